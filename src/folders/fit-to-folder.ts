/**
 * `fit` with a run folder, as `penx train` uses it (Node only):
 *
 *   the backend's synchronous read-back (checkReadBack), trainable and finite weights, penalties within float32's range (once: fit does not check them again), constraints, the `gradients` option (its refusal: shard workers that cannot be sent an int32 weight past 2^24) and gradients (checkDifferentiable; not for a resume with every epoch done: no step runs) checked ─► folder claimed (claimFolder: a folder not the tool's, or not a run,
 *      refused untouched; made, locked, marked, the tool's leftovers removed; new, resume or force)
 *   ─► resume with a checkpoint: settings and user monitors compared (the backend and the weights' names only when an epoch is left to train); run.json, every figure and the report redrawn
 *      from it (a run killed after its checkpoint is repaired even when no epoch is left)
 *      resume without one (runFolderState): finished epochs in run.json (the checkpoint removed
 *      once the run was done) kept as they are when none is left to train, refused when one is
 *      (never thrown away); none (killed before its first epoch ended): the run starts over (what
 *      the tool wrote deleted, anything else kept and said); more finished epochs than asked
 *      for: refused (ResumeEpochsError), nothing written
 *   ─► resume: the folder's figures drawn again from the checkpoint (said first: onNote
 *      `drawing <dir>: the run's figures up to epoch N, as it resumes`)
 *   ─► fit(…) with callbacks:  resume  ─► weights and optimiser state restored before the first batch
 *                              epoch 0 ─► run.json ─► your callbacks ─► its figure, the report
 *                              epoch E ─► checkpoint/ ─► run.json ─► your callbacks ─► its figure;
 *                                         the figures over epochs and the report when due
 *                                         (summaryDue), and after the last epoch (said first:
 *                                         onNote `drawing <dir>: the run's figures`)
 *   ─► a loss or weight became NaN or infinite (DivergedError): run.json keeps the finished epochs and
 *      says where the run stopped, and the report and figures over epochs are drawn as after a last
 *      epoch (said first, as above)
 *   ─► a callback stopped training (model.stopTraining): run.json says so (`endedEarly`), the
 *      checkpoint's record too (with the prune curve measured after its epoch, for a continuation),
 *      and the figures over epochs are drawn as after a last epoch — written once, by the epoch's
 *      callback, when one of TF.js's callbacks stopped it (fit tells the epoch's callbacks); again
 *      once fit returns when one of this library's did (after the epoch was written); a stop asked
 *      meanwhile (its end-of-run prune curve measured to the end) then throws InterruptedError
 *   ─► the lock released; an error before the first run.json: a folder this call made (holding only
 *      the marker it wrote) removed, with the folders made for it (ClaimedFolder.abandon)
 *
 * The checkpoint holds the exact weights and optimiser state and batches depend only on
 * (seed, epoch), so a resumed run ends with the same weights as an uninterrupted one on the same
 * backend and thread count; each session's backend, threads and versions are in the record.
 *
 * @example
 * const record = await fitToFolder(model, { x, y }, { dir: 'runs/mine', epochs: 10, validationData: { x: xt, y: yt } });
 */

import { CheckpointMissingError, InterruptedError, ResumeMismatchError, ResumeModelError } from '../errors.ts';
import type { RunConfig, RunRecord, RunSession } from '../formats/index.ts';
import { checkReadBack, useTrainingKernels } from '../kernels/index.ts';
import { drawRun, runEnded } from '../render/index.ts';
import type { tf } from '../tf.ts';
import type { FitData } from '../training/index.ts';
import {
  checkConstraints,
  checkDifferentiable,
  checkGradientsOption,
  checkOptionKeys,
  checkTrainable,
  checkTrainsOn,
  checkUntrainedWeights,
  DivergedError,
  FIT_OPTION_KEYS,
  type FitCallback,
  type FitOptions,
  fitAfter,
  runConfig,
  runConfigOfSizes,
  weightDifferences,
  withBatchSizeOf,
} from '../training/index.ts';
import { type Checkpoint, loadCheckpoint, saveCheckpoint, updateCheckpointRecord } from './checkpoint.ts';
import { claimFolder, emptyFolder, type FolderPolicy } from './folder.ts';
import { writeRunJson, writeRunJsonIfChanged } from './records.ts';
import { keptNote } from './refusals.ts';
import { finishedRun, resumeState, runFolderState } from './run-state.ts';

/** `fitToFolder`'s options: `fit`'s, the folder and its policy, and what it writes there. */
export interface FolderOptions extends FitOptions, FolderPolicy {
  /** The run folder. */
  readonly dir: string;
  /**
   * Draw the figures and report.html; default true. After every epoch: that epoch's histogram; the
   * report and the figures over all epochs (histograms, layers, sparsity, prune curve, norms) when
   * `summaryDue` says so (20 s since they were last drawn, or the run started, and at least
   * `SUMMARY_COST_FACTOR` times as long as they took to draw), and always after the last epoch.
   * The report is drawn at epoch 0 too (a resume redraws everything from its checkpoint first). An
   * epoch's figures are drawn once every callback has seen the epoch: in your `onEpochEnd` the epoch
   * is in run.json and the checkpoint already, its figures not yet (in the next `onEpochBegin` and in
   * `onTrainEnd` they are), so a progress line your callback prints comes before the drawing.
   */
  readonly figures?: boolean;
  /** Save the checkpoint's model portable: plain TF.js loads it too (`saveModel`'s `portable`). */
  readonly portable?: boolean;
  /**
   * Told what the folder's state made it do (a run resumed, started over, or resumed with other
   * threads), and that the figures of a run that ended are being drawn (seconds for a large model):
   * `drawing <dir>: the run's figures`, after the last epoch's callbacks.
   */
  readonly onNote?: (message: string) => void;
}

/**
 * How often a run in progress redraws its figures over all epochs and its report, at least (they
 * cost ≈ 0.1 s each for a small run; with short epochs, drawing them every epoch took a third of a
 * small run's time).
 */
export const SUMMARY_EVERY_MS = 20_000;

/**
 * The figures over all epochs and the report grow with the epochs (a 50-layer model: ≈ 6 s at epoch
 * 1, 30 s at epoch 200): the wait before the next redraw is at least this many times the last one's
 * cost, so drawing takes at most 1/(1 + SUMMARY_COST_FACTOR) of a run's time however long it runs.
 */
export const SUMMARY_COST_FACTOR = 4;

/**
 * Whether a run in progress redraws its figures over all epochs and its report now: `sinceMs` since
 * they were last drawn (or the run started), the last drawing having taken `lastCostMs`.
 *
 * Formula: sinceMs ≥ max(SUMMARY_EVERY_MS, SUMMARY_COST_FACTOR · lastCostMs)
 *
 * @example
 * summaryDue(25_000, 3_000)    // true: 20 s have passed, and 4 × 3 s
 * summaryDue(25_000, 10_000)   // false: the last drawing took 10 s, the next waits 40 s
 */
export function summaryDue(sinceMs: number, lastCostMs: number): boolean {
  return sinceMs >= Math.max(SUMMARY_EVERY_MS, SUMMARY_COST_FACTOR * lastCostMs);
}

/**
 * The note said before the figures and report of a run are drawn whole (the views over epochs and the
 * report: seconds): after the last epoch's progress, or, with `resumedAfter`, as a run resumes after
 * that epoch (they are drawn again from its checkpoint first, before the run's own first line).
 *
 * @example
 * drawingRunNote('runs/l1')      // "drawing runs/l1: the run's figures"
 * drawingRunNote('runs/l1', 3)   // "drawing runs/l1: the run's figures up to epoch 3, as it resumes"
 */
export function drawingRunNote(dir: string, resumedAfter?: number): string {
  return `drawing ${dir}: the run's figures${resumedAfter === undefined ? '' : ` up to epoch ${resumedAfter}, as it resumes`}`;
}

/** The settings that must agree for a run to be resumed (epochs may grow). */
const RESUME_KEYS = [
  'penalty',
  'constraint',
  'penalizeBias',
  'optimizer',
  'lrMult',
  'grad',
  'freeze',
  'loss',
  'metrics',
  'trackNorms',
  'batchSize',
  'seed',
  'trainSize',
  'testSize',
  'data',
  'backend',
] as const satisfies ReadonlyArray<keyof RunConfig>;

/** The user monitors' names, in order (their sections in each snapshot); undefined without any. */
const monitorNames = (c: RunConfig) => (c.monitors?.length ? c.monitors.map((m) => m.name) : undefined);

/** What fitToFolder takes besides fit's options. */
const FOLDER_KEYS = ['dir', 'figures', 'portable', 'onNote', 'resume', 'force'] as const satisfies ReadonlyArray<keyof FolderOptions>;

/** A session from the config its process made as it started (a fresh run's, or a record's from before sessions were kept). */
function sessionOf(config: RunConfig, fromEpoch: number): RunSession {
  const { backend, threads, parallel, gradients, gradientsWhy, versions, startedAt } = config;
  return {
    startedAt,
    fromEpoch,
    backend,
    threads,
    ...(parallel ? { parallel } : {}),
    ...(gradients ? { gradients } : {}),
    ...(gradientsWhy ? { gradientsWhy } : {}),
    versions,
  };
}

/**
 * A ResumeMismatchError when `was`, a run recorded in `dir`, was trained with other settings, other
 * user monitors (by name) or another model than `now`; `trains` false (a finished run only kept)
 * leaves the backend out: no step of it runs here.
 */
function checkSameRun(was: RunRecord, now: RunConfig, dir: string, trains = true): void {
  for (const key of RESUME_KEYS) {
    if (key === 'backend' && !trains) continue;
    if (JSON.stringify(was.config[key]) !== JSON.stringify(now[key])) throw new ResumeMismatchError(dir, key, was.config[key], now[key]);
  }
  // The same monitors (by name: their views and modules may change), so every snapshot keeps the same sections.
  if (JSON.stringify(monitorNames(was.config)) !== JSON.stringify(monitorNames(now)))
    throw new ResumeMismatchError(dir, 'list of monitors', monitorNames(was.config), monitorNames(now));
  // The model: each weight's shape, kind, trainability, penalty and constraint (its name and its channel norms' meaning too when an epoch is left to train: checkTrainsOn).
  const { differences, classed } = weightDifferences(was.config.weights, now.weights);
  if (differences.length > 0) throw new ResumeModelError(dir, differences, classed);
}

/**
 * What a resume of the run in `dir` would be refused for by its settings (a ResumeMismatchError: fitToFolder's
 * comparison, the backend left out; a ResumeNamesError when an epoch is left to train and the model names its
 * weights otherwise than the record; a ResumeNormsError when it holds a layer's channel norms otherwise than this
 * penx takes them: checkSameNorms) or its state (a CheckpointMissingError: finished epochs on record, epochs
 * left, no checkpoint to train on from), found before its backend starts and its data's tensors are made, the
 * folder untouched: `model` built as the run's (with its penalties and constraints; on any backend),
 * `options` as fitToFolder will get them, `sizes` the samples it will train and validate on. Nothing to
 * compare (no finished epoch recorded) passes; so does a run with more epochs than `options.epochs`
 * (resumeState refuses it).
 *
 * @example
 * checkResumeSettings('runs/l1', model, { epochs: 4, seed: 5 }, { train: 60000, validation: 10000 })
 * // throws "cannot resume runs/l1: its seed is 42, this run's is 5; use the same settings, or start it over"
 */
export function checkResumeSettings(
  dir: string,
  model: tf.LayersModel,
  options: FitOptions,
  sizes: { readonly train: number; readonly validation: number },
): void {
  const state = runFolderState(dir, options.epochs);
  const was = state.state === 'partial' ? state.checkpointRecord : state.state === 'new' ? undefined : state.record;
  const now = was && runConfigOfSizes(model, sizes, options);
  if (was && now) checkSameRun(was, now, dir, false);
  if (state.state === 'partial' && now && state.epochs < options.epochs) checkTrainsOn(state.checkpointRecord, now.weights, dir);
  if (state.state === 'stranded') throw new CheckpointMissingError(dir, state.record.epochs.length, options.epochs);
}

/**
 * A session's threads as a note says them, singular for one, with how they shared a batch where the record has it.
 *
 * @example
 * threadsText({ threads: 1 })                     // '1 thread'
 * threadsText({ threads: 2, parallel: 'data' })   // '2 threads (data)'
 */
function threadsText({ threads, parallel }: { readonly threads: number; readonly parallel?: string }): string {
  return `${threads} ${threads === 1 ? 'thread' : 'threads'}${parallel ? ` (${parallel})` : ''}`;
}

/** The checkpoint's record after its settings are compared with this run's, with this session when it trains an epoch; notes a change of threads. */
function resumed(checkpoint: Checkpoint, now: RunConfig, options: FolderOptions): RunRecord {
  const was = checkpoint.run;
  const trains = was.epochs.length < now.epochs;
  // A run with every epoch done is only brought in line (redrawn): no step of it runs, on any backend.
  checkSameRun(was, now, options.dir, trains);
  if (trains) checkTrainsOn(was, now.weights, options.dir);
  const last = was.sessions?.at(-1) ?? sessionOf(was.config, 0);
  if (trains && (last.threads !== now.threads || last.parallel !== now.parallel)) {
    options.onNote?.(
      `resuming on ${threadsText(now)} where the run used ${threadsText(last)}: sums are taken in another order, so the weights will differ slightly from an uninterrupted run`,
    );
  }
  const before = was.sessions ?? [sessionOf(was.config, 0)];
  // A session says where epochs were trained: none when every epoch is done (only the folder brought in line).
  const sessions = trains ? [...before, sessionOf(now, was.epochs.length)] : before;
  return { ...was, sessions };
}

/** Train with `fit`, keeping the run folder `options.dir` up to date after every epoch; resumable. */
export async function fitToFolder(model: tf.LayersModel, data: FitData, given: FolderOptions): Promise<RunRecord> {
  checkOptionKeys(given, [...FIT_OPTION_KEYS, ...FOLDER_KEYS], 'fitToFolder');
  // The backend as fit will use it, refused when it reads back wrong: before the folder is touched.
  useTrainingKernels();
  checkReadBack();
  const options = (await withBatchSizeOf(data, given)) as FolderOptions;
  const { dir, figures, portable, onNote, resume, force, ...fitOptions } = options;
  void [figures, onNote, resume, force];
  checkTrainable(model);
  checkConstraints(model);
  checkGradientsOption(model, options);
  // A resume with every epoch done runs no step (the folder is only brought in line): its layers'
  // gradients are not probed (a backward pass of each, seconds on TF.js's cpu backend) — unless the
  // folder, once claimed, turns out to have an epoch left after all.
  const probed = !(options.resume && finishedRun(dir, options.epochs));
  if (probed) checkDifferentiable(model, options.gradients);
  // Before the folder is touched, and not again by fit; a resume's weights come from its checkpoint
  // (fit checks those of a resume that starts over).
  const weightsChecked = !options.resume;
  if (weightsChecked) checkUntrainedWeights(model);
  const now = runConfig(model, data, options);
  /** The record with its sessions: a fresh run's first one added. */
  const withSessions = (r: RunRecord): RunRecord => (r.sessions ? r : { ...r, sessions: [sessionOf(now, 0)] });
  /** The figures and report of a run that has ended (drawRun draws everything then), said first. */
  const drawEnded = async (r: RunRecord) => {
    options.onNote?.(drawingRunNote(dir));
    await drawRun(dir, r);
  };
  const folder = claimFolder(dir, options, 'run');
  let checkpoint: Checkpoint | undefined;
  let failed = false;
  try {
    const sayKept = (kept: readonly string[]) => {
      const note = keptNote(dir, kept);
      if (note) options.onNote?.(note);
    };
    sayKept(folder.kept);
    // What a resume finds (run-state.ts): finished epochs without a checkpoint (removed once the
    // run was done) are kept when no epoch is left to train, refused when one is; never thrown away.
    // More finished epochs than asked for are refused.
    const state = folder.resumed ? resumeState(dir, now.epochs) : undefined;
    if (state?.state === 'done' && (!state.checkpoint || state.record.endedEarly)) {
      checkSameRun(state.record, now, dir, false);
      const why = state.record.endedEarly ? `, ended early by a callback after epoch ${state.record.endedEarly.epoch}` : '';
      options.onNote?.(`${dir} is finished (${state.record.epochs.length} epochs${why}): kept as it is`);
      return state.record;
    }
    if (!probed && state?.state !== 'done') checkDifferentiable(model, options.gradients);
    if (state?.state === 'stranded') {
      checkSameRun(state.record, now, dir, true);
      throw new CheckpointMissingError(dir, state.record.epochs.length, now.epochs);
    }
    if (state?.state === 'new') {
      options.onNote?.(`${dir} has no finished epoch to resume: the run starts over`);
      sayKept(emptyFolder(dir));
    }
    // Its record as runFolderState read it (a partial run's), not read again; its tensors decoded once.
    checkpoint = state && state.state !== 'new' ? await loadCheckpoint(dir, state.state === 'partial' ? state.checkpointRecord : undefined) : undefined;
    const draw = options.figures ?? true;
    // From the start: epoch 0's figures over epochs would show one epoch.
    let summarised = performance.now();
    let summaryCost = 0;
    // The report once as the run starts (a resume has drawn it with everything else already).
    let reported = checkpoint !== undefined;
    const drawNewest = async (r: RunRecord) => {
      const t0 = performance.now();
      const summary = summaryDue(t0 - summarised, summaryCost);
      // A run that ended gets everything (drawRun): said first.
      if (runEnded(r)) options.onNote?.(drawingRunNote(dir));
      await drawRun(dir, r, { summary, report: summary || !reported });
      reported = true;
      if (summary) {
        summarised = performance.now();
        summaryCost = summarised - t0;
      }
    };
    /** The epoch's figures, once every callback has seen the epoch: a progress line comes before the drawing. */
    const drawing: FitCallback = {
      onEpochEnd: async (_epoch, record) => {
        if (draw) await drawNewest(withSessions(record));
      },
    };
    let from: RunRecord | undefined;
    /** The record fit gave the folder's onEpochEnd last: in run.json and the checkpoint already. */
    let written: RunRecord | undefined;
    if (checkpoint) {
      from = resumed(checkpoint, now, options);
      // Bring the folder in line with the checkpoint before anything else happens (one already in line left as it is).
      await writeRunJsonIfChanged(dir, from);
      if (draw) {
        options.onNote?.(drawingRunNote(dir, from.epochs.length));
        await drawRun(dir, from, { all: true });
      }
    }
    const fitting: FitOptions = {
      ...fitOptions,
      // One start for the record's config and its first session.
      info: { ...fitOptions.info, startedAt: now.startedAt },
      ...(from ? { from } : {}),
      callbacks: [
        {
          onTrainBegin: async (_begin, ctx) => {
            if (checkpoint) await checkpoint.restore(ctx.model, ctx.optimizer);
          },
          onEpochEnd: async (epoch, record, ctx) => {
            written = record;
            const r = withSessions(record);
            if (epoch > 0) await saveCheckpoint(dir, ctx.model, ctx.optimizer, r, { portable: portable === true });
            await writeRunJson(dir, r);
          },
        },
        ...(options.callbacks ?? []),
        drawing,
      ],
    };
    // Its weights checked above unless it resumes, and its config computed above: neither again.
    return await fitAfter(model, data, fitting, { weightsChecked, config: now }).then(async (r) => {
      const done = withSessions(r);
      // Ended by one of TF.js's callbacks, the record the last epoch wrote says so already. Ended
      // by one of this library's (after the folder's callback wrote the epoch), it is written again:
      // without this, run.json and the report would call the run unfinished, and the figures over
      // epochs would never be drawn. The checkpoint (of this epoch's weights) gets the same record:
      // it has the prune curve measured after the checkpoint was written, which a continuation keeps.
      if (done.endedEarly && r !== written) {
        await writeRunJson(dir, done);
        await updateCheckpointRecord(dir, done);
        if (draw) await drawEnded(done);
      }
      // A stop asked as the run ended (while its end-of-run prune curve was measured): the run is
      // written whole, then stopped as asked; a resume keeps it as it is.
      if (done.endedEarly && options.signal?.aborted) throw new InterruptedError(`stopped after the run ended at epoch ${done.epochs.length}`);
      return done;
    });
  } catch (err) {
    failed = true;
    if (err instanceof DivergedError) {
      const stopped = withSessions(err.record);
      await writeRunJson(dir, stopped);
      // The run ends here: its report and figures over epochs as after a last epoch, saying where it stopped.
      if (options.figures ?? true) await drawEnded(stopped);
    }
    throw err;
  } finally {
    // A checkpoint not restored (its settings refused, the run stopped before its first batch): its tensors freed.
    checkpoint?.dispose();
    // Failed before its first run.json (a monitor or penalty throwing at epoch 0, say): a folder
    // this call made holds only its marker, and is removed (one that was there before is kept).
    if (failed) folder.abandon();
    else folder.release();
  }
}
