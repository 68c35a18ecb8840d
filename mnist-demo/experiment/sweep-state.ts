/**
 * A sweep on disk: `<out>/<sweep>/sweep.json` (the sweep record, penalty-explorer's format: its
 * grid, the settings its runs share, and the runs) next to one ordinary run folder per run, and
 * what state each run folder is in.
 *
 *   <out>/<sweep>/sweep.json                 this record
 *   <out>/<sweep>/<run>/run.json, checkpoint/ …   each run, as `penx train` writes it
 *   <out>/<sweep>/sparsity.png, accuracy.png, report.html   the sweep's figures (sweep-draw.ts)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointDir, RUN_JSON, type RunRecord, readRunFile, readRunJson, type SweepSettings } from 'penalty-explorer/node';

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
  /** Some epochs trained, with a checkpoint to resume from (`epochs`: the checkpoint's). */
  | { readonly state: 'partial'; readonly epochs: number }
  /** Nothing to resume from (no folder, or no epoch finished): start it (over). */
  | { readonly state: 'new' };

/** The state of the run folder `dir` of a run of `epochs` epochs. */
export function runState(dir: string, epochs: number): RunState {
  if (!existsSync(join(dir, RUN_JSON))) return { state: 'new' };
  const record = readRunJson(dir);
  if (record.stopped) return { state: 'failed', reason: record.stopped.reason, record };
  const checkpoint = checkpointDir(dir);
  if (record.epochs.length >= epochs && checkpoint) return { state: 'done', record };
  // The epochs a resume continues after: the checkpoint's (run.json is written just after it, so a
  // kill between the two leaves run.json one epoch behind).
  return checkpoint ? { state: 'partial', epochs: readRunFile(join(checkpoint, RUN_JSON)).epochs.length } : { state: 'new' };
}

/** A run's epochs and its scores after the last one (test accuracy, share of |w| < 1e-3), as the sweep reports them. */
export function lastScores(record: RunRecord): { epochs: number; testAcc: number | null; sparsity: number } {
  const last = record.epochs.at(-1);
  return { epochs: record.epochs.length, testAcc: last?.testAcc ?? null, sparsity: last?.sparsity.lt1e3 ?? 0 };
}
