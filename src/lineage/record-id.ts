// Record ids: UUIDv7 (RFC 9562), time-ordered so that ids sort like the chain, and a valid UUID so that the
// OpenLineage export can use the id itself as the run id.
import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;

/**
 * A new UUIDv7. Within one millisecond the 12-bit `rand_a` field is a counter started at a random value
 * (RFC 9562 §6.2, method 1), so ids minted by this process are strictly increasing.
 */
export function newRecordId(now: number = Date.now()): string {
  const rand = randomBytes(10);
  if (now > lastMs) {
    lastMs = now;
    counter = ((rand[0]! << 8) | rand[1]!) & 0x3ff; // leave headroom before the counter overflows
  } else {
    counter += 1;
    if (counter > 0xfff) {
      // More than ~3000 ids in one millisecond: borrow the next millisecond rather than repeat an id.
      lastMs += 1;
      counter = 0;
    }
  }
  const ms = lastMs;
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  rand.copy(bytes, 8, 2, 10);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
