// Writes a secret file so that it is never readable by others, not even for an instant: created with mode
// 0600 under a temporary name, fsync'd, then renamed into place (a crash never leaves half a key).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Creates `dir` (and parents) and tightens it to 0700: key material lives there. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/**
 * Writes `data` to `file` with mode 0600. With `exclusive`, an existing file is kept (returns false): two
 * processes starting at once must not each write a different key.
 */
export function writePrivateFile(file: string, data: string | Uint8Array, exclusive: boolean): boolean {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (!exclusive) {
      fs.renameSync(tmp, file);
      return true;
    }
    // link() fails when the target exists, which rename() would silently overwrite.
    try {
      fs.linkSync(tmp, file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Reads a secret file, first tightening its mode to 0600 if someone loosened it. */
export function readPrivateFile(file: string): Buffer {
  const st = fs.statSync(file);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return fs.readFileSync(file);
}
