/**
 * The comparison record, `<comparison>/compare.json`: which run folders a comparison holds, in
 * its order. Its type comes from its schema; read, it is checked like every record.
 *
 * @example
 * { "format": "penalty-explorer/compare@1", "runs": ["none", "l1_1e-4"] }
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SpecError } from '../spec/errors.ts';
import { folderNameSchema } from './owner.ts';
import { schemaProblems } from './read.ts';

export const COMPARE_FORMAT = 'penalty-explorer/compare@1';
export const COMPARE_JSON = 'compare.json';

export const compareRecordSchema = z.object({ format: z.literal(COMPARE_FORMAT), runs: z.array(folderNameSchema) });
export type CompareRecord = z.output<typeof compareRecordSchema>;

/** The comparison record in `dir/compare.json`; a SpecError naming the file and what is wrong. */
export function readCompareJson(dir: string): CompareRecord {
  const path = join(dir, COMPARE_JSON);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SpecError(`${path}: cannot be read as a comparison record (${(err as Error).message})`);
  }
  const parsed = compareRecordSchema.safeParse(json);
  if (!parsed.success) throw new SpecError(`${path}: not a valid ${COMPARE_FORMAT} record: ${schemaProblems(parsed.error)}`);
  return parsed.data;
}
