/**
 * The comparison record, `<comparison>/compare.json`: which run folders a comparison holds, in
 * its order. Its type comes from its schema; read, it is checked like every record.
 *
 * @example
 * { "format": "penalty-explorer/compare@1", "runs": ["none", "l1_1e-4"] }
 */
import * as z from 'zod';
import { folderNameSchema } from './folder.ts';
import { type RecordFormat, readRecord } from './read.ts';

/** The `format` of a comparison record; its version changes with the record's shape. */
export const COMPARE_FORMAT = 'penalty-explorer/compare@1';
/** The comparison record's file name in a comparison folder. */
export const COMPARE_JSON = 'compare.json';

/** The comparison record's schema (zod): the format and the run folders' names, in order. */
export const compareRecordSchema = z.object({ format: z.literal(COMPARE_FORMAT), runs: z.array(folderNameSchema) });
/** A comparison record: the run folders a comparison holds, in its order. */
export type CompareRecord = z.output<typeof compareRecordSchema>;

const COMPARE: RecordFormat<CompareRecord> = { what: 'comparison record', format: COMPARE_FORMAT, schema: compareRecordSchema };

/** The comparison record in `json` (parsed JSON); a RecordFormatError saying what is wrong. */
export function readCompareRecord(json: unknown): CompareRecord {
  return readRecord(COMPARE, json);
}

/** The comparison record of runs (folder names), in order. */
export function compareRecord(runs: readonly string[]): CompareRecord {
  return { format: COMPARE_FORMAT, runs: [...runs] };
}
