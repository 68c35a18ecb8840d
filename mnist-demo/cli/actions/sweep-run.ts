/**
 * `penx sweep-run TASK` (internal): the child process that trains one run of a sweep for
 * `penx sweep` or `penx worker` (see experiment/sweep-child.ts). It resumes the run from its
 * checkpoint when there is one and starts it (over) otherwise, and reports over IPC.
 *
 *   task ─► flags (the sweep's settings + seed, folder, threads) ─► parseExperiment ─► data, model, and the
 *   run checked (its resume's settings against its record, or its untrained weights), on TF.js's cpu
 *   ─► backend ─► data as tensors ─► trainRun (progress lines on stderr, messages to the parent) ─► done | error
 */
import { basename, dirname } from 'node:path';
import { DivergedError, type FitCallback, LockedError, PenaltyExplorerError, resumeState } from 'penalty-explorer/node';
import { checkedData, checkedModel, prepare, trainRun } from '../../experiment/run.ts';
import type { ChildMessage, SweepTask } from '../../experiment/sweep-child.ts';
import { lastScores } from '../../experiment/sweep-state.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { interruptible } from '../interrupts.ts';
import { startBackend } from './backend.ts';
import { loadRunPenalty, parseExperiment } from './parse-experiment.ts';
import { progressCallbacks } from './progress.ts';

/** Exit code of a child whose parent went away: the run is left for the queue to hand out again. */
const ORPHANED = 75;

function send(m: ChildMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(m, () => resolve()) : resolve()));
}

/**
 * Exit when the parent is gone (even by kill -9: this process was handed to another parent), so a
 * run it left is never trained by two processes. Checked at the start and after every batch and
 * epoch (`fit` gives the event loop a turn after every batch, so the IPC channel's end and signals
 * are seen during an epoch too).
 */
function leaveIfOrphaned(parent: number): void {
  if (process.ppid !== parent || !process.connected) process.exit(ORPHANED);
}

/** Messages to the parent (where it began, tenths of epochs, each epoch's scores), and a look at it after every batch and epoch. */
function reporting(parent: number): FitCallback {
  let tenth = -1;
  return {
    onTrainBegin: ({ config, resumedAfter }) => {
      leaveIfOrphaned(parent);
      void send({ kind: 'begin', resumedAfter, epochs: config.epochs });
    },
    onBatchEnd: (p) => {
      leaveIfOrphaned(parent);
      const t = Math.floor((10 * p.batch) / p.batches) + 10 * p.epoch;
      if (t !== tenth) {
        tenth = t;
        void send({ kind: 'progress', epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches });
      }
    },
    onEpochEnd: (epoch, record) => {
      leaveIfOrphaned(parent);
      const last = record.epochs.at(-1);
      if (epoch > 0 && last) void send({ kind: 'epoch', epoch, epochs: record.config.epochs, testAcc: last.testAcc, sparsity: last.sparsity.lt1e3 });
    },
  };
}

/** `penx sweep-run TASK` (see the file's comment): `taskJson` is the task as JSON (`SweepTask`). */
export async function sweepRun(taskJson: string): Promise<void> {
  const task = JSON.parse(taskJson) as SweepTask;
  process.on('disconnect', () => process.exit(ORPHANED));
  leaveIfOrphaned(task.parent);
  try {
    // Always "resume": a run with a checkpoint continues from it, one without starts (over).
    const flags = {
      ...task.settings,
      seed: String(task.run.seed),
      threads: String(task.threads),
      ...(task.figures === false ? { figures: false } : {}),
      out: dirname(task.dir),
      name: basename(task.dir),
      resume: true,
    } as unknown as ExperimentFlags;
    // Its monitor modules as the sweep checked them (a UsageError, before anything is written, for one changed since).
    const exp = await parseExperiment(flags, task.monitorDigests ? { monitorDigests: task.monitorDigests } : {});
    const run = { ...(await loadRunPenalty(task.run.penalty)), name: task.run.name };
    // The data, the model and the run are checked before the backend starts, as penx train does (a
    // refusal of them comes before the backend's line): a run to resume against its record's settings
    // (other monitors, another model module…), one that starts over at its untrained weights.
    const set = checkedData(exp);
    const checked = await checkedModel(exp, set, [run], () => ({ dir: task.dir, resumes: resumeState(task.dir, exp.epochs).state !== 'new' }));
    const backend = await startBackend(flags).catch((err) => {
      checked.kept?.model.dispose();
      throw err;
    });
    const data = prepare(set, checked);
    try {
      const record = await interruptible((signal) => {
        const hooks = { callbacks: [progressCallbacks(task.label), reporting(task.parent)], note: (m: string) => console.error(`${task.label} ${m}`), signal };
        return trainRun(exp, run, data, backend, hooks, task.dir);
      });
      await send({ kind: 'done', ...lastScores(record) });
    } finally {
      data.dispose();
    }
  } catch (err) {
    // The run's settings are at fault (training it again fails again), unless another process has its folder.
    const settings = (err instanceof PenaltyExplorerError && !(err instanceof LockedError)) || err instanceof DivergedError;
    await send({ kind: 'error', message: (err as Error).message, settings });
    throw err;
  }
}
