// CPU time (user + system) consumed by this process or another one, in milliseconds: the benchmarks divide
// it by the requests served, a cost per request that, unlike a rate, does not depend on what else the
// machine is running at the time.
import fs from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux build Node supports. */
const TICKS_PER_SECOND = 100;

export function cpuMs(pid: number | 'self'): number {
  if (pid === 'self') {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  // Fields after the command name (which may contain spaces, hence the last ')'): utime and stime are the 12th and 13th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
