// Reads the records of a lineage folder in chain order, for exports that work from a copy of the folder.
import fs from 'node:fs/promises';
import { parseRecordLine } from './canonical-hash.ts';
import type { LineageRecord } from './record.ts';
import { listSegments, segmentLines } from './segment-files.ts';

/** Every whole, well-formed record in the folder; integrity is verifyLineage's job, not this reader's. */
export async function* readLineageRecords(dir: string): AsyncGenerator<LineageRecord> {
  for (const segment of await listSegments(dir)) {
    const buf = await fs.readFile(segment.path);
    for (const line of segmentLines(buf)) {
      if (!line.complete) continue;
      const record = parseRecordLine(line.bytes);
      if (record) yield record;
    }
  }
}
