/**
 * Where a run folder stands for a run of a given number of epochs, read from its records alone
 * (run.json and the checkpoint's run.json; no model loaded). `fitToFolder` decides from it what a
 * resume does, and a sweep which runs are left, so the two never disagree:
 *
 *   every epoch in run.json, or ended by a callback    ─► done      (checkpoint or not: kept)
 *     (`endedEarly`) of a run started for that many
 *   else a checkpoint                                  ─► partial   (continues after its epochs)
 *   else some epochs in run.json                       ─► stranded  (nothing to continue from)
 *   else                                               ─► new       (starts over)
 *
 * run.json is written just after the checkpoint, so a run killed between the two has run.json one
 * epoch behind: `partial` then counts the checkpoint's epochs, which a resume continues after
 * (and rewrites run.json from, so a run.json that cannot be read is no obstacle there).
 *
 * A resume asking for fewer epochs than the folder's run has finished (run.json's, or the
 * checkpoint's when it is ahead) is refused by `resumeState`: training cannot take epochs back.
 *
 * @example
 * const s = runFolderState('runs/l1', 40);
 * if (s.state === 'done') console.log(s.record.epochs.at(-1)?.testAcc);
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, ResumeEpochsError } from '../errors.ts';
import type { RunRecord } from '../formats/index.ts';
import { checkpointDir } from './checkpoint.ts';
import { RUN_JSON, readRunFile, readRunJson } from './records.ts';

/** Where a run folder stands for a run of a given number of epochs: `done`, `partial`, `stranded` or `new` (see the file's comment). */
export type RunFolderState =
  /** Every epoch asked for is in run.json (or the run ended early, by a callback); `checkpoint`: whether one is there too. */
  | { readonly state: 'done'; readonly record: RunRecord; readonly checkpoint: boolean }
  /** A checkpoint to continue from, after its `epochs`; `checkpointRecord`: its record; `record`: run.json, when there is one. */
  | { readonly state: 'partial'; readonly epochs: number; readonly checkpointRecord: RunRecord; readonly record?: RunRecord }
  /** Fewer epochs in run.json than asked for and no checkpoint (removed once the run was done with fewer). */
  | { readonly state: 'stranded'; readonly record: RunRecord }
  /** No checkpoint and no finished epoch (no folder, or killed in its first epoch); `record`: run.json, when there is one. */
  | { readonly state: 'new'; readonly record?: RunRecord };

/** run.json, or undefined when there is none — or when it cannot be read and a checkpoint can rewrite it (a resume does). */
function readRecord(dir: string, checkpointed: boolean): RunRecord | undefined {
  if (!existsSync(join(dir, RUN_JSON))) return undefined;
  try {
    return readRunJson(dir);
  } catch (err) {
    if (checkpointed && err instanceof DataError) return undefined;
    throw err;
  }
}

/** The state of the run folder `dir` for a run of `epochs` epochs; a DataError when a record there is not one. */
export function runFolderState(dir: string, epochs: number): RunFolderState {
  const checkpoint = checkpointDir(dir);
  const record = readRecord(dir, checkpoint !== undefined);
  const recorded = record?.epochs.length ?? 0;
  // A run a callback ended (`endedEarly`) is done for as many epochs as it was started for: a
  // resume of it would train the epochs its callback chose not to.
  const ended = record?.endedEarly !== undefined && record.config.epochs >= epochs;
  if (record && (recorded >= epochs || ended)) return { state: 'done', record, checkpoint: checkpoint !== undefined };
  // The checkpoint's record only here: a finished run's (a sweep reads every run's) is not read
  // needlessly; a resume continues from it (loadCheckpoint is given it, not reading it again).
  if (checkpoint) {
    const checkpointRecord = readRunFile(join(checkpoint, RUN_JSON));
    return { state: 'partial', epochs: checkpointRecord.epochs.length, checkpointRecord, ...(record ? { record } : {}) };
  }
  if (record && recorded > 0) return { state: 'stranded', record };
  return { state: 'new', ...(record ? { record } : {}) };
}

/**
 * The epochs the run in `dir` has finished, `s` its state: the most of run.json's and the
 * checkpoint's (ahead of run.json when killed between writing the two; read here for a done run,
 * which runFolderState does not read).
 */
function finishedEpochs(dir: string, s: RunFolderState): number {
  const recorded = s.record?.epochs.length ?? 0;
  if (s.state === 'partial') return Math.max(s.epochs, recorded);
  const checkpoint = s.state === 'done' && s.checkpoint ? checkpointDir(dir) : undefined;
  return checkpoint ? Math.max(recorded, readRunFile(join(checkpoint, RUN_JSON)).epochs.length) : recorded;
}

/**
 * `runFolderState` of a run to resume for `epochs` epochs; a ResumeEpochsError (nothing read
 * further, nothing written) when it has finished more than that.
 *
 * @example
 * resumeState('runs/l1', 1)   // throws 'cannot resume runs/l1: it has 3 finished epochs, more than the 1 asked for; …' after a 3-epoch run
 */
export function resumeState(dir: string, epochs: number): RunFolderState {
  const state = runFolderState(dir, epochs);
  const finished = finishedEpochs(dir, state);
  if (finished > epochs) throw new ResumeEpochsError(dir, finished, epochs);
  return state;
}

/**
 * Whether `dir` holds a run with every one of its `epochs` done (runFolderState's `done`), read
 * before the folder is claimed; false for no folder, or records that cannot be read (the resume's
 * own checks then say why).
 *
 * @example
 * finishedRun('runs/l1', 40)   // true after a 40-epoch run: its resume to 40 trains nothing
 */
export function finishedRun(dir: string, epochs: number): boolean {
  try {
    return runFolderState(dir, epochs).state === 'done';
  } catch {
    return false;
  }
}
