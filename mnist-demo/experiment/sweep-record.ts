/**
 * A sweep on disk: `<out>/<sweep>/sweep.json` (the sweep record: its grid, the settings its runs
 * share, and the runs) next to one ordinary run folder per run, and what state each run folder is in.
 *
 *   <out>/<sweep>/sweep.json                 this record
 *   <out>/<sweep>/<run>/run.json, checkpoint/ …   each run, as `penx train` writes it
 *   <out>/<sweep>/sparsity.png, accuracy.png, report.html   the sweep's figures (sweep-draw.ts)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { checkpointDir, folderNameSchema, readRunJson, RUN_JSON, schemaProblems, SpecError, writeFileAtomic, type RunRecord } from '../../src/node.ts';
import type { SweepGrid, SweepRun } from './sweep-grid.ts';

export const SWEEP_FORMAT = 'penalty-explorer/sweep@1';
export const SWEEP_JSON = 'sweep.json';

/**
 * The settings every run of a sweep shares: the training options as given (text, so every process
 * that trains a run parses them the same way), without the seed, the folders and the threads.
 */
export type SweepSettings = Readonly<Record<string, string | boolean>>;

/**
 * The sweep record (`sweep.json`).
 *
 * @example
 * { "format": "penalty-explorer/sweep@1", "name": "lambda", "grid": { "penalties": ["l1", "none"], "strengths": [1e-4, 1e-3], "seeds": [1, 2] },
 *   "settings": { "epochs": "40", "batchSize": "128", … }, "runs": [{ "name": "l1_1e-4_seed=1", "penalty": "l1:1e-4", "strength": 1e-4, "seed": 1 }, …] }
 */
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

/** The sweep record in `json` (from sweep.json, or the queue's registry), checked; a SpecError saying where it came from (`where`) and what is wrong. */
export function parseSweepRecord(json: unknown, where: string): SweepRecord {
  const parsed = sweepRecordSchema.safeParse(json);
  if (!parsed.success) throw new SpecError(`${where}: not a valid ${SWEEP_FORMAT} record: ${schemaProblems(parsed.error)}`);
  return parsed.data;
}

/** The sweep record of `dir`, or undefined when it has none; a SpecError when it is not one. */
export function readSweepJson(dir: string): SweepRecord | undefined {
  const path = join(dir, SWEEP_JSON);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SpecError(`${path}: cannot be read as a sweep record (${(err as Error).message})`);
  }
  return parseSweepRecord(json, path);
}

/** Write `record` as `dir/sweep.json` (atomically). */
export async function writeSweepJson(dir: string, record: SweepRecord): Promise<void> {
  await writeFileAtomic(join(dir, SWEEP_JSON), JSON.stringify(record, null, 1));
}

/** The first setting two sweeps disagree on, as `key: was → now`; undefined when they agree. */
export function settingsDiffer(was: SweepSettings, now: SweepSettings): string | undefined {
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (was[key] !== now[key]) return `${key}: ${JSON.stringify(was[key] ?? null)} → ${JSON.stringify(now[key] ?? null)}`;
  }
  return undefined;
}

/** Where a run folder stands. */
export type RunState =
  /** All epochs trained. */
  | { readonly state: 'done'; readonly record: RunRecord }
  /** Stopped for a reason that training again would repeat (the loss became NaN). */
  | { readonly state: 'failed'; readonly reason: string; readonly record: RunRecord }
  /** Some epochs trained, with a checkpoint to resume from. */
  | { readonly state: 'partial'; readonly epochs: number }
  /** Nothing to resume from (no folder, or no epoch finished): start it (over). */
  | { readonly state: 'new' };

/** The state of the run folder `dir` of a run of `epochs` epochs. */
export function runState(dir: string, epochs: number): RunState {
  if (!existsSync(join(dir, RUN_JSON))) return { state: 'new' };
  const record = readRunJson(dir);
  if (record.stopped) return { state: 'failed', reason: record.stopped.reason, record };
  const resumable = checkpointDir(dir) !== undefined;
  if (record.epochs.length >= epochs && resumable) return { state: 'done', record };
  return resumable ? { state: 'partial', epochs: record.epochs.length } : { state: 'new' };
}

/** A run's epochs and its scores after the last one (test accuracy, share of |w| < 1e-3), as the sweep reports them. */
export function lastScores(record: RunRecord): { epochs: number; testAcc: number | null; sparsity: number } {
  const last = record.epochs.at(-1);
  return { epochs: record.epochs.length, testAcc: last?.testAcc ?? null, sparsity: last?.sparsity.lt1e3 ?? 0 };
}
