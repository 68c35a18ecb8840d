/**
 * A sweep on disk: `<out>/<sweep>/sweep.json` (the sweep record, penalty-explorer's format: its
 * grid, the settings its runs share, and the runs) next to one ordinary run folder per run, and
 * what state each run folder is in.
 *
 *   <out>/<sweep>/sweep.json                 this record
 *   <out>/<sweep>/<run>/run.json, checkpoint/ …   each run, as `penx train` writes it
 *   <out>/<sweep>/sparsity.png, accuracy.png, report.html   the sweep's figures (sweep-draw.ts)
 */
import { join } from 'node:path';
import { type RunFolderState, type RunRecord, readSweepJson, runFolderState, type SweepRecord, type SweepSettings } from 'penalty-explorer/node';

/** The first setting two sweeps disagree on, as `key: was → now`; undefined when they agree. */
export function settingsDiffer(was: SweepSettings, now: SweepSettings): string | undefined {
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (was[key] !== now[key]) return `${key}: ${JSON.stringify(was[key] ?? null)} → ${JSON.stringify(now[key] ?? null)}`;
  }
  return undefined;
}

/**
 * Why a sweep folder holding the sweep record `was` (its sweep.json) cannot take runs of
 * `settings`: that sweep was run with other settings, its runs trained with those; undefined when
 * there is no record or it has these settings (its grid may differ: a grid may grow). A queued
 * sweep's `threads` (per run) is left out: other threads only change the order sums are taken in,
 * and a run may resume on other threads (said, and listed in its record's sessions), as on another
 * machine. So is its `figures` (`--no-figures`): drawing changes no record.
 *
 * @example
 * otherSettings(readSweepJson('runs/lambda'), { epochs: '3' })   // 'epochs: "2" → "3"' when its sweep.json has epochs "2"
 */
export function otherSettings(was: SweepRecord | undefined, settings: SweepSettings): string | undefined {
  const { threads: _was, figures: _wasDrawn, ...before } = was?.settings ?? {};
  const { threads: _now, figures: _nowDrawn, ...now } = settings;
  return was && settingsDiffer(before, now);
}

/**
 * The runs of the sweep record `was` (its sweep.json) that the grid of `now` leaves out, named:
 * written over it, sweep.json would forget them while their folders stay; undefined when there is
 * no record or `now` keeps every run of it (a grid may grow).
 *
 * @example
 * leftOutRuns(readSweepJson('runs/lambda'), record)   // 'l1_0.001_seed=42' when record's grid no longer has λ = 1e-3
 */
export function leftOutRuns(was: SweepRecord | undefined, now: SweepRecord): string | undefined {
  const kept = new Set(now.runs.map((r) => r.name));
  const left = (was?.runs ?? []).filter((r) => !kept.has(r.name));
  return left.length > 0 ? left.map((r) => r.name).join(', ') : undefined;
}

/** `otherSettings` of the sweep record in the folder `dir` (read only). */
export function otherSettingsIn(dir: string, settings: SweepSettings): string | undefined {
  return otherSettings(readSweepJson(dir), settings);
}

/**
 * Where a run folder stands for the sweep: the library's `runFolderState`, with a run that stopped
 * (its loss became NaN) or that cannot continue (fewer epochs than the sweep's and no checkpoint)
 * `failed`: training it again would stop or be refused again. A run that failed in this sitting
 * (its process ended in an error) is `failed` too, with no record when it wrote none.
 */
export type RunState =
  | Exclude<RunFolderState, { readonly state: 'stranded' }>
  | { readonly state: 'failed'; readonly reason: string; readonly record?: RunRecord };

/** The state of the run folder `dir` of a run of `epochs` epochs. */
export function runState(dir: string, epochs: number): RunState {
  const s = runFolderState(dir, epochs);
  if (s.record?.stopped) return { state: 'failed', reason: s.record.stopped.reason, record: s.record };
  if (s.state !== 'stranded') return s;
  const reason = `${s.record.epochs.length} of ${epochs} epochs recorded and no checkpoint to continue from (remove its folder to train it from the start)`;
  return { state: 'failed', reason, record: s.record };
}

/**
 * `state` with the failure of this sitting put in: a run not finished whose process failed is
 * `failed` with that reason (its record kept, if it wrote one), not `new` or `partial`.
 *
 * @example
 * withFailure({ state: 'new' }, 'penalty boom:1e-4 threw: …')   // { state: 'failed', reason: 'penalty boom:1e-4 threw: …' }
 */
export function withFailure(state: RunState, failure: string | undefined): RunState {
  if (failure === undefined || state.state === 'done' || state.state === 'failed') return state;
  return { state: 'failed', reason: failure, ...(state.state === 'partial' ? { record: state.record } : {}) };
}

/**
 * Where each run of the sweep `record` in `dir` stands (in the grid's order), read from its folder,
 * with the failures of this sitting (`failures`, by run name, with why) put in (`withFailure`).
 */
export function sweepStates(dir: string, record: SweepRecord, failures: ReadonlyMap<string, string> = new Map()): RunState[] {
  const epochs = Number(record.settings.epochs);
  return record.runs.map((run) => withFailure(runState(join(dir, run.name), epochs), failures.get(run.name)));
}

/** A run's epochs and its scores after the last one (test accuracy, share of |w| < 1e-3), as the sweep reports them. */
export function lastScores(record: RunRecord): { epochs: number; testAcc: number | null; sparsity: number } {
  const last = record.epochs.at(-1);
  return { epochs: record.epochs.length, testAcc: last?.testAcc ?? null, sparsity: last?.sparsity.lt1e3 ?? 0 };
}
