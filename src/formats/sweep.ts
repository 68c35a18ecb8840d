/**
 * The sweep record, `<sweep>/sweep.json`: a sweep's grid (penalties × strengths × seeds), the
 * settings every run shares, and its runs, each an ordinary run folder next to it. The command
 * line writes it (`penx sweep`); the dashboard reads it to group and order a sweep's runs.
 *
 * @example
 * { "format": "penalty-explorer/sweep@1", "name": "lambda", "grid": { "penalties": ["l1", "none"], "strengths": [1e-4, 1e-3], "seeds": [1, 2] },
 *   "settings": { "epochs": "40", "batchSize": "128", … }, "runs": [{ "name": "l1_1e-4_seed=1", "penalty": "l1:1e-4", "strength": 1e-4, "seed": 1 }, …] }
 */
import * as z from 'zod';
import { folderNameSchema } from './folder.ts';
import { type RecordFormat, readRecord } from './read.ts';

/** The `format` of a sweep record; its version changes with the record's shape. */
export const SWEEP_FORMAT = 'penalty-explorer/sweep@1';
/** The sweep record's file name in a sweep folder. */
export const SWEEP_JSON = 'sweep.json';

/** The axes of a sweep, as given. */
export interface SweepGrid {
  /** Penalty specs without a strength, e.g. `l1`, `deadzone,a=0.3`, `none`, `./mine.ts,k=2`. */
  readonly penalties: readonly string[];
  /** Strengths λ (> 0), the x axis of the sweep's figures. */
  readonly strengths: readonly number[];
  /** Seeds (initial weights, batch order, data subsets). */
  readonly seeds: readonly number[];
}

/** One cell of the grid. */
export interface SweepRun {
  /** Folder name, e.g. `l1_1e-4_seed=7`. */
  readonly name: string;
  /** The penalty with its strength, normalised, e.g. `deadzone:1e-3,a=0.3`. */
  readonly penalty: string;
  /** The strength; null for a penalty that takes none (`none`). */
  readonly strength: number | null;
  readonly seed: number;
}

/**
 * The settings every run of a sweep shares: the training options as given (text, so every process
 * that trains a run parses them the same way), without the seed, the folders and the threads.
 */
export type SweepSettings = Readonly<Record<string, string | boolean>>;

/** The sweep record (`sweep.json`). */
export interface SweepRecord {
  readonly format: typeof SWEEP_FORMAT;
  readonly name: string;
  readonly grid: SweepGrid;
  readonly settings: SweepSettings;
  readonly runs: readonly SweepRun[];
}

/** The sweep record's schema (a test proves its type equals `SweepRecord`). */
export const sweepRecordSchema = z.object({
  format: z.literal(SWEEP_FORMAT),
  name: folderNameSchema,
  grid: z.object({ penalties: z.array(z.string()), strengths: z.array(z.number()), seeds: z.array(z.number()) }),
  settings: z.record(z.string(), z.union([z.string(), z.boolean()])),
  runs: z.array(z.object({ name: folderNameSchema, penalty: z.string(), strength: z.number().nullable(), seed: z.number() })),
});

const SWEEP: RecordFormat<SweepRecord> = { what: 'sweep record', format: SWEEP_FORMAT, schema: sweepRecordSchema };

/** The sweep record in `json` (parsed JSON: from sweep.json, or a queue's registry); a RecordFormatError saying what is wrong. */
export function readSweepRecord(json: unknown): SweepRecord {
  return readRecord(SWEEP, json);
}
