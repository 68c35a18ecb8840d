/**
 * Running an experiment's runs, as `penx train` (one run) and `penx compare` (several) do:
 *
 *   data (IDX folder or the bundled MNIST) read and checked (checkedData)
 *   ─► model maker, its model checked against the data, the per-layer patterns and the constraint,
 *      and each run: a resume's settings against its record, a new run's untrained weights and
 *      penalty (checkedModel, on one build of the model): on TF.js's cpu backend, before the training
 *      backend starts
 *   ─► tensors (images, one-hot labels), once (prepare) ─► per run: model with the run's penalty on
 *      every kernel (a single run's: the model checkedModel checked, kept) ─► gradients over every thread (or one, said why) ─► fitToFolder (run.json with
 *      the user monitors' sections, checkpoint, figures)
 */
import { join } from 'node:path';
import {
  attachToKernels,
  type BackendInfo,
  checkConstraints,
  checkResumeSettings,
  checkUntrainedWeights,
  type FitCallback,
  type FitOptions,
  fitToFolder,
  gradientsFor,
  type ImageSet,
  type ImageSplit,
  identity,
  type PenaltyRegularizer,
  penalty,
  type RunRecord,
  renamedWeights,
  runFolderState,
  stepThreads,
  tf,
  UsageError,
  versions,
  weightInfos,
  weightNames,
  withLayerControls,
} from 'penalty-explorer/node';
import { loadData } from '../data/mnist.ts';
import { counted } from '../words.ts';
import { checkBatchSize } from './batch-size.ts';
import { describeSource, type MakeModel, modelMaker, replacedControls, runModel } from './model-source.ts';
import { renamedNote } from './rename-note.ts';
import type { Experiment, PenaltyRun } from './types.ts';

/** What the command line shows while a run trains. */
export interface RunHooks {
  /** Callbacks for the run (progress, per-epoch lines). */
  readonly callbacks: readonly FitCallback[];
  /** A note (e.g. why one thread is used). */
  note(message: string): void;
  /** Once aborted, the run stops at its next safe point (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** Images [n, rows, cols, channels] and one-hot labels [n, classes] as tensors. */
function tensorsOf(split: ImageSplit, set: ImageSet): { x: tf.Tensor; y: tf.Tensor } {
  const y = new Float32Array(split.count * set.classes);
  for (let i = 0; i < split.count; i++) y[i * set.classes + (split.labels[i] as number)] = 1;
  return { x: tf.tensor4d(split.images, [split.count, ...set.shape]), y: tf.tensor2d(y, [split.count, set.classes]) };
}

/** The data of an experiment as tensors, and the model maker checked against it. */
export interface Prepared {
  readonly train: { readonly x: tf.Tensor; readonly y: tf.Tensor };
  readonly test: { readonly x: tf.Tensor; readonly y: tf.Tensor };
  /** Where the data came from, its shape and classes, its sizes (for messages). */
  readonly set: Pick<ImageSet, 'source' | 'shape' | 'classes'> & { readonly trainCount: number; readonly testCount: number };
  readonly make: MakeModel;
  /** The model checkedModel checked for `run`, once (then undefined): a single run's, kept (CheckedModel). */
  take(run: PenaltyRun): KeptModel | undefined;
  /** The tensors freed, and a kept model no run took. */
  dispose(): void;
}

/** A run's model as checkedModel built and checked it, with what modelOf's build would have told of it. */
export interface KeptModel {
  readonly run: PenaltyRun;
  readonly model: tf.LayersModel;
  /** The layers attachToKernels renamed (its `onRenamed`), if any. */
  readonly renamed?: readonly string[];
  /** The model's own penalties and constraints the run's replaced (runModel's `onReplaced`). */
  readonly replaced: readonly string[];
}

/** The model maker checkedModel checked, and the single run's model it checked, kept for it. */
export interface CheckedModel {
  readonly make: MakeModel;
  readonly kept?: KeptModel;
}

/** Where a run checked before the training backend starts goes, and whether it resumes there (its folder holds a run to continue). */
export interface RunStart {
  readonly dir: string;
  readonly resumes: boolean;
}

/**
 * The experiment's model maker for the data `set`, checked before the training backend starts (on the
 * backend in use: TF.js's cpu): a `--model` folder loaded and a module's model built (each checked
 * against the data's image shape and classes; a module's, that its weights repeat from the seed),
 * the per-layer patterns matched against its weights, and the constraint on every kernel it will
 * apply to, and a module's, that every kernel takes the runs' penalty (`runs`: the first penalty of
 * them that is not `none` is put on; a custom layer that does not take one is refused, naming its
 * kernel). The reference model (which fits any image set) is built here only for patterns or a
 * constraint to check, or for the runs' starts.
 *
 * With `startOf` (the i-th run's folder and whether it resumes, asked as that run is checked), each
 * run is then checked as it will start (checkStartOn), in order. The runs share the model (its
 * source, the seed, the data's shape): it is built once, and each run's penalty put on that build in
 * turn (attachToKernels, which checks its kernels take it), not built again per run — the same
 * checks and messages, in the same order (the reference CNN: a refused 6-penalty comparison
 * 0.93 s of CPU instead of 1.07 s).
 *
 * A single run's model, checked as it starts, is kept for it (`kept`: trainRun trains it, not a second
 * build — the reference CNN ≈ 100 ms of CPU before `penx train`'s first batch); a comparison's are not
 * (each would be held, weights and all, until its run's turn).
 */
export async function checkedModel(exp: Experiment, set: ImageSet, runs: readonly PenaltyRun[] = [], startOf?: (i: number) => RunStart): Promise<CheckedModel> {
  const make = await modelMaker(exp.model, set);
  const probing = exp.controls !== undefined || exp.constraint !== undefined || exp.model.kind === 'module';
  if (!probing && !(startOf && runs.length > 0)) return { make };
  const built = await make(exp.seed);
  const keeps = startOf !== undefined && runs.length === 1;
  let renamed: readonly string[] | undefined;
  const controlsOf = (p: PenaltyRegularizer) => ({ ...kernelControls(exp, p), onRenamed: (r: readonly string[]) => void (renamed = r) });
  let kept: KeptModel | undefined;
  let probe: { readonly penalty: PenaltyRegularizer; model: tf.LayersModel | undefined } | undefined;
  try {
    if (probing) {
      const probed = runs.find((r) => r.penalty.definition.name !== 'none')?.penalty ?? penalty('none');
      probe = { penalty: probed, model: await attachToKernels(built, controlsOf(probed)) };
      if (exp.controls) withLayerControls(identity, exp.controls, weightNames(probe.model!), { counted: countsNames(exp) });
      checkConstraints(probe.model!);
    }
    if (startOf)
      for (const [i, run] of runs.entries()) {
        // The probe is this run's model when it carries this run's penalty (none: none).
        const same = probe?.model && (probe.penalty === run.penalty || (isNone(probe.penalty) && isNone(run.penalty)));
        if (!same) renamed = undefined;
        const model = same ? probe!.model! : await attachToKernels(built, controlsOf(run.penalty));
        if (same) probe!.model = undefined;
        let checked = false;
        try {
          checkStartOn(exp, run, model, set, startOf(i));
          checked = true;
        } finally {
          if (keeps && checked) {
            const replaced = replacedControls(weightInfos(built), weightInfos(model), exp.penalizeBias);
            kept = { run, model, replaced, ...(renamed ? { renamed } : {}) };
          } else model.dispose();
        }
      }
  } finally {
    probe?.model?.dispose();
    built.dispose();
  }
  return { make, ...(kept ? { kept } : {}) };
}

const isNone = (p: PenaltyRegularizer): boolean => p.definition.name === 'none';

/**
 * Whether the run's model has the layers TF.js named itself renamed by their count in the model
 * (attachToKernels' `countNames`): a module's, built in this process after other models (a
 * comparison's earlier runs, the checks), so its runs and seeded repeats name their weights alike;
 * not a `--model` folder's, whose names are those its model.json gives.
 */
const countsNames = (exp: Experiment): boolean => exp.model.kind !== 'folder';

/** What a run's model carries on every kernel: `penalty` (on biases with `--penalize-bias`), the constraint too. */
function kernelControls(exp: Experiment, penalty: PenaltyRegularizer): Parameters<typeof runModel>[2] {
  return { penalty, penalizeBias: exp.penalizeBias, countNames: countsNames(exp), ...(exp.constraint ? { constraint: exp.constraint } : {}) };
}

/** Whether this process said renamedNote already: once, as every build of a module's model is renamed alike (but for TF.js's counts), and every run has the same patterns. */
let renamesSaid = false;

/**
 * The model `make` builds for `run`: its penalty on every kernel (on biases with `--penalize-bias`),
 * the constraint too; `hooks` told the model's own penalties and constraints it replaced, and (once in
 * the process) the layer names it counted in the model (renamedNote: in full when they change what a pattern of the run selects).
 * A single run's is the model checkedModel checked (`data.take`), told as its build would have been. A comparison's
 * runs are built again, not kept from checkedModel's check of them: for the reference CNN that is ≈ 48 ms of CPU a run
 * (make 15 ms, attachToKernels 33 ms; cpu backend, medians of 48), and keeping the checked models changed nothing
 * measurable — a 6-penalty `penx compare` of 128 images and 1 epoch took 8.33 s of CPU rebuilt, 8.22 s kept (medians of
 * 5 alternated runs, each side 7.5–8.5 s; Dec 2026, loaded machine) — while it holds every run's model from before the
 * training backend starts (its weights on TF.js's cpu backend) to the run's turn.
 */
async function modelOf(exp: Experiment, run: PenaltyRun, data: Prepared, hooks: Pick<RunHooks, 'note'>): Promise<tf.LayersModel> {
  const what = describeSource(exp.model);
  const onRenamed = (renamed: readonly string[]) => {
    if (!renamesSaid) hooks.note(renamedNote(what, renamed, exp.controls));
    renamesSaid = true;
  };
  const onReplaced = (changes: readonly string[]) => hooks.note(replacedNote(what, changes));
  const kept = data.take(run);
  if (!kept) return runModel(data.make, exp.seed, { ...kernelControls(exp, run.penalty), onRenamed }, onReplaced);
  // As runModel would have told them, in its order.
  if (kept.renamed) onRenamed(kept.renamed);
  if (kept.replaced.length) onReplaced(kept.replaced);
  return kept.model;
}

/** What fitToFolder records of `run` as its settings (trainRun's options but the data, the gradients and the hooks). */
function runSettings(exp: Experiment, run: PenaltyRun, source: string): FitOptions {
  return {
    name: run.name,
    epochs: exp.epochs,
    batchSize: exp.batchSize,
    seed: exp.seed,
    optimizer: run.optimizer ?? exp.optimizer,
    ...(exp.controls ? { controls: exp.controls } : {}),
    loss: 'categoricalCrossentropy',
    trackNorms: exp.trackNorms,
    ...(exp.monitors ? { monitors: exp.monitors } : {}),
    info: {
      data: source,
      ...(exp.model.kind === 'module' ? { modelSource: exp.model.path } : exp.model.kind === 'folder' ? { modelSource: exp.model.dir } : {}),
      ...(run.module ? { penaltyModule: run.module } : {}),
    },
  };
}

/** Renamed weights listed in checkRecordedNames' refusal before `and N more`. */
const SHOWN_NAMES = 3;

/**
 * Refuse (UsageError, nothing written) to train on a run whose record names its model's weights
 * otherwise than `model` does: a run begun by an older penx, which recorded the layers TF.js named
 * itself by TF.js's count in the process (`dense_Dense7/kernel`) where penx now counts them in the
 * model (`dense_Dense1/kernel`, countsNames), likewise its nested models (`sequential_2/dense_Dense1/kernel`
 * where penx now records `sequential_1/dense_Dense1/kernel`); its epochs would go on under other names, the record
 * mixing the two (its per-layer figures and sections split in two). A run with no epoch left to
 * train (kept as it is) and a `--model` folder's run (the names its model.json gives) are not refused.
 *
 * @example
 * checkRecordedNames(exp, 'runs/m', model)
 * // throws "cannot resume runs/m: its record names the model's weights as an older penx did (…): dense_Dense7/kernel → dense_Dense1/kernel, …"
 */
function checkRecordedNames(exp: Experiment, dir: string, model: tf.LayersModel): void {
  if (!countsNames(exp)) return;
  const state = runFolderState(dir, exp.epochs);
  if (state.state !== 'partial' || state.epochs >= exp.epochs) return;
  const renamed = renamedWeights(state.checkpointRecord.config.weights, weightInfos(model));
  if (renamed.length === 0) return;
  const more = renamed.length > SHOWN_NAMES ? `, and ${renamed.length - SHOWN_NAMES} more` : '';
  throw new UsageError(
    `cannot resume ${dir}: its record names the model's weights as an older penx did, counting the layers TF.js named itself across the process, where this penx counts them in the model: ${renamed.slice(0, SHOWN_NAMES).join(', ')}${more}; the epochs trained now would be recorded under other names than the first ones; nothing was written; start it over with --force (or finish it with the penx that began it)`,
  );
}

/**
 * `run` (in `start.dir`) checked before the training backend starts and the data's tensors are made,
 * on `model`, its model as built on the backend in use (TF.js's cpu), nothing written: a resume
 * (`start.resumes`: the folder holds a run to continue) with other settings than its record's is
 * refused (fitToFolder's comparison, the backend left out: it is compared once started); a run that
 * starts from its untrained weights, when they are NaN or ±∞ or its λ·penalty at them is not finite
 * or beyond float32's range (checkUntrainedWeights: `--penalty l2:1e38`). checkedModel calls it for
 * each run, on one build of the model.
 */
function checkStartOn(exp: Experiment, run: PenaltyRun, model: tf.LayersModel, set: ImageSet, start: RunStart): void {
  if (start.resumes) {
    // Its own refusal first: it says why the names differ (the library's says only that they do).
    checkRecordedNames(exp, start.dir, model);
    checkResumeSettings(start.dir, model, runSettings(exp, run, set.source), { train: set.train.count, validation: set.test.count });
  } else checkUntrainedWeights(model);
}

/** The experiment's data `set` (checkedData's) as tensors, with the model maker and the kept model (checkedModel's). */
export function prepare(set: ImageSet, { make, kept }: CheckedModel): Prepared {
  const train = tensorsOf(set.train, set);
  const test = tensorsOf(set.test, set);
  const summary = { source: set.source, shape: set.shape, classes: set.classes, trainCount: set.train.count, testCount: set.test.count };
  let left = kept;
  const take = (run: PenaltyRun) => {
    if (left?.run !== run) return undefined;
    const taken = left;
    left = undefined;
    return taken;
  };
  const dispose = () => {
    tf.dispose([train.x, train.y, test.x, test.y]);
    left?.model.dispose();
    left = undefined;
  };
  return { train, test, set: summary, make, take, dispose };
}

/** Changes listed in a note before `and N more`. */
const SHOWN_CHANGES = 4;

/**
 * The note saying which of the model's own penalties and constraints the run's replaced or removed.
 *
 * @example
 * replacedNote('model module ./m.ts', ['gru/bias: penalty l2:0.001 → none'])
 * // "model module ./m.ts: penx puts the run's penalty and constraint on every kernel in place of the model's own, and removes a bias's penalty unless --penalize-bias puts the run's there (another weight's it keeps): gru/bias: penalty l2:0.001 → none"
 */
export function replacedNote(what: string, changes: readonly string[]): string {
  const shown = changes.slice(0, SHOWN_CHANGES).join('; ');
  const more = changes.length > SHOWN_CHANGES ? `; and ${changes.length - SHOWN_CHANGES} more (run.json's config.weights lists what trained)` : '';
  return `${what}: penx puts the run's penalty and constraint on every kernel in place of the model's own, and removes a bias's penalty unless --penalize-bias puts the run's there (another weight's it keeps): ${shown}${more}`;
}

/**
 * Train one run of the experiment into its run folder `dir`. Without a `backend` (every run of the
 * command has its epochs already: none was started), no gradients are built: the folder is only
 * checked against the settings and brought in line (fitToFolder), on TF.js's cpu backend.
 */
export async function trainRun(
  exp: Experiment,
  run: PenaltyRun,
  data: Prepared,
  backend: BackendInfo | undefined,
  hooks: RunHooks,
  dir: string,
): Promise<RunRecord> {
  const model = await modelOf(exp, run, data, hooks);
  const chosen = backend && (await gradientsFor(model, backend));
  const gradients = chosen?.gradients;
  const why = chosen?.why;
  if (backend && chosen?.path === 'fused') hooks.note(`gradients: one fused ONNX Runtime graph per step, ${counted(backend.threads, 'thread')}`);
  if (why) hooks.note(`gradients: per-kernel (${why})`);
  if (chosen?.note) hooks.note(chosen.note);
  try {
    const settings = runSettings(exp, run, data.set.source);
    return await fitToFolder(model, data.train, {
      ...settings,
      dir,
      resume: exp.resume,
      force: exp.force,
      portable: exp.portable,
      figures: exp.figures,
      onNote: hooks.note,
      validationData: data.test,
      ...(exp.prune ? { prune: exp.prune } : {}),
      ...(gradients ? { gradients } : {}),
      callbacks: [...hooks.callbacks],
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      info: {
        ...settings.info,
        ...(backend && gradients ? { backend: backend.name, ...stepThreads(gradients, backend) } : {}),
        ...(why ? { gradientsWhy: why } : {}),
        versions: versions(),
      },
    });
  } finally {
    await gradients?.close();
    model.dispose();
  }
}

/**
 * The experiment's image set, loaded and checked against its settings (subset sizes the data has,
 * a batch no larger than the training set): a DataError or UsageError otherwise.
 */
export function checkedData(exp: Experiment): ImageSet {
  const set = loadData(exp.data.dir, {
    ...(exp.data.trainSize ? { trainSize: exp.data.trainSize } : {}),
    ...(exp.data.testSize ? { testSize: exp.data.testSize } : {}),
    seed: exp.seed,
  });
  checkBatchSize(exp.batchSize, exp.data.trainSize, exp.data.dir, set.train.count);
  return set;
}

/** The run folder of `run` in the experiment's output folder (and a comparison's subfolder). */
export function runDir(exp: Experiment, run: PenaltyRun, comparison?: string): string {
  return comparison === undefined ? join(exp.out, run.name) : join(exp.out, comparison, run.name);
}
