/**
 * The model of an experiment, for a given data set:
 *
 *   source (reference | module default-exporting (inputShape, numClasses, { seed }) => model | model.json folder)
 *     ─► built, its unseeded initializers drawing from the seed (a module's: built twice, once, to
 *        check its weights repeat) ─► checked against the data (one input, of its images' shape; one output, a unit per class)
 *     ─► the run's penalty (and constraint) put on every kernel
 */
import {
  attachToKernels,
  DataError,
  errorLine,
  importDefaultExport,
  type KernelControls,
  loadModel,
  mixSeeds,
  type PenaltyRegularizer,
  tf,
  UsageError,
  type WeightInfo,
  weightInfos,
  withSeededRandom,
} from 'penalty-explorer/node';
import { type ModelBuilder, referenceModel } from '../model.ts';
import { modelFolderProblem, shown } from './model-folder.ts';
import type { ModelSource } from './types.ts';

/** The data a model must fit: per-image shape (channels last) and class count. */
export interface DataShape {
  readonly shape: readonly number[];
  readonly classes: number;
}

/**
 * What a penx user does about a saved model (in folder `dir`) whose penalty or constraint of theirs is not
 * defined (loadModel's SpecError says to import its module): name the module in the run's flag, which penx
 * imports before loading the model but which also makes it the run's; or, to train the model with another,
 * give `--model` a module of three lines that imports it and loads the folder. '' for any other error.
 *
 * @example
 * undefinedControlHint(new SpecError("…/model.json uses the penalty 'logsum', which is not defined in this process; …"), '/home/me/runs/ls/checkpoint/model')
 * // "; with penx, give the module that defines it in --penalty (e.g. --penalty ./logsum.ts:1e-4), which imports it
 * //  before the model is loaded and makes it the run's penalty; to train this model with another penalty, give
 * //  --model a module that imports it and loads the model (e.g. --model ./my-model.ts, of: import './logsum.ts';
 * //  import { loadModel } from 'penalty-explorer/node'; export default () => loadModel('./runs/ls/checkpoint/model');)"
 */
function undefinedControlHint(err: Error, dir: string): string {
  const [, kind, name] = /uses the (penalty|constraint) '([^']+)', which is not defined/.exec(err.message) ?? [];
  if (!kind) return '';
  const example = kind === 'penalty' ? `./${name}.ts:1e-4` : `./${name}.ts`;
  const module = `import './${name}.ts'; import { loadModel } from 'penalty-explorer/node'; export default () => loadModel('${shown(dir)}');`;
  return (
    `; with penx, give the module that defines it in --${kind} (e.g. --${kind} ${example}), which imports it before the model is loaded and makes it the run's ${kind}; ` +
    `to train this model with another ${kind}, give --model a module that imports it and loads the model (e.g. --model ./my-model.ts, of: ${module})`
  );
}

/** A function building a fresh model for a seed (the source's builder, or a loaded folder's copy). */
export type MakeModel = (seed: number) => Promise<tf.LayersModel>;

/** The source as messages name it: `the reference model`, `model module ./m.ts`, `model folder DIR`. */
export function describeSource(source: ModelSource): string {
  return source.kind === 'reference' ? 'the reference model' : source.kind === 'module' ? `model module ${source.path}` : `model folder ${source.dir}`;
}

/** The per-sample shape of a symbolic shape, `?` for a free dimension. */
const perSample = (shape: ReadonlyArray<number | null> | undefined) => (shape ?? []).slice(1).map((d) => (d === null ? '?' : d));

/** The names of a model's inputs or outputs as a message lists them: `img, extra`. */
const namesOf = (tensors: readonly tf.SymbolicTensor[]) => tensors.map((t) => t.sourceLayer.name).join(', ');

/** The layer making a model's only output, looked for inside the models it nests (as the training step looks for a final softmax). */
function finalLayer(model: tf.LayersModel): tf.layers.Layer | undefined {
  let layer = model.outputs[0]?.sourceLayer as tf.layers.Layer | undefined;
  while (layer instanceof tf.LayersModel && layer.outputs.length === 1) layer = layer.outputs[0]?.sourceLayer as tf.layers.Layer | undefined;
  return layer;
}

/**
 * Throws a DataError unless `model` has one input taking the data's images and one output per class
 * that is not linear (logits: penx trains on the categorical cross-entropy of probabilities, clipped to
 * [1e-7, 1 − 1e-7]: a logit below 1e-7 passes no gradient, and an MLP's loss stays at −ln 1e-7 ≈ 16.12),
 * naming what was expected: e.g. a model of inputs `img, extra` is refused as
 * `… has 2 inputs (img, extra); penx trains a model of one input, the images [8,8,1], and one output, their 3 classes …`
 * (before the training backend starts: a model of several would otherwise fail as its first batch is made).
 */
export function checkModelFits(model: tf.LayersModel, data: DataShape, what: string): void {
  const one = `penx trains a model of one input, the images [${data.shape}], and one output, their ${data.classes} classes (a model of several inputs or outputs trains with the library's fit, given each its data)`;
  if (model.inputs.length !== 1) throw new DataError(`${what} has ${model.inputs.length} inputs (${namesOf(model.inputs)}); ${one}`);
  if (model.outputs.length !== 1) throw new DataError(`${what} has ${model.outputs.length} outputs (${namesOf(model.outputs)}); ${one}`);
  const input = model.inputs[0]?.shape ?? [];
  const inputOk = input.length === data.shape.length + 1 && input.slice(1).every((d, i) => d === null || d === data.shape[i]);
  if (!inputOk)
    throw new DataError(
      `${what} takes inputs of shape [${perSample(input)}] per sample; the data's images are [${data.shape}] (rows, columns, channels), so the model's input shape must be [${data.shape}]`,
    );
  const output = model.outputs[0]?.shape ?? [];
  if (output.length !== 2 || output[1] !== data.classes) {
    throw new DataError(
      `${what} has outputs of shape [${perSample(output)}] per sample; the data has ${data.classes} classes, so the output shape must be [${data.classes}]`,
    );
  }
  const last = finalLayer(model) as { name?: string; activation?: { getClassName(): string } } | undefined;
  if (last?.activation?.getClassName() === 'linear')
    throw new DataError(
      `${what} ends in layer ${last.name} with no activation: its outputs are logits, not probabilities, and penx trains on the categorical cross-entropy of the model's probabilities (it would clip them and train nothing); end it in a softmax, e.g. activation: 'softmax' on ${last.name}`,
    );
}

/**
 * `builder`'s model for `seed`, its initial weights repeatable from the seed: the builder's synchronous
 * part runs with TF.js's unseeded random ops (an initializer given no seed: TF.js's default) drawing
 * from a generator seeded by `mixSeeds(seed)` (`withSeededRandom`), so a module's plain
 * `tf.layers.dense({ units: 32 })` starts from the same weights for the same seed. What an async
 * builder makes after an await is not reached: `modelMaker` checks a module's weights repeat.
 *
 * @example
 * const model = await buildSeeded((shape, n) => tf.sequential({ layers: [tf.layers.dense({ inputShape: shape, units: n })] }), { shape: [4], classes: 3 }, 42);
 */
function buildSeeded(builder: ModelBuilder, data: DataShape, seed: number): Promise<unknown> {
  // Wrapped: the builder may return a Promise, which withSeededRandom refuses (its seeded part is the synchronous one).
  const { out } = withSeededRandom(mixSeeds(seed), () => ({ out: builder([...data.shape], data.classes, { seed }) }));
  return Promise.resolve(out);
}

/** True when `a` and `b` hold the same weights, value for value (initial weights are finite). */
function sameWeights(a: tf.LayersModel, b: tf.LayersModel): boolean {
  const [wa, wb] = [a.getWeights(), b.getWeights()];
  return (
    wa.length === wb.length &&
    wa.every((w, i) => {
      const [x, y] = [w.dataSync(), (wb[i] as tf.Tensor).dataSync()];
      return x.length === y.length && x.every((v, j) => v === y[j]);
    })
  );
}

/**
 * How to build the source's model for the data (module imported and folder loaded once). A module's
 * model is built twice on the first call, to check its initial weights repeat from the seed (a
 * UsageError otherwise: a run's record says it repeats from its seed).
 */
export async function modelMaker(source: ModelSource, data: DataShape): Promise<MakeModel> {
  const what = describeSource(source);
  if (source.kind === 'folder') {
    const problem = modelFolderProblem(source.dir);
    if (problem) throw new DataError(`${what}: cannot be loaded as a TF.js model: ${problem}`);
    const loaded = await loadModel(source.dir).catch((err: Error) => {
      throw new DataError(`${what}: cannot be loaded as a TF.js model (${errorLine(err)})${undefinedControlHint(err, source.dir)}`);
    });
    checkModelFits(loaded, data, what);
    loaded.dispose();
    // Loaded again for each run, with the penalties and constraints it was saved with (runModel says which the run's replace).
    return async () => loadModel(source.dir);
  }
  let builder: ModelBuilder = referenceModel;
  if (source.kind === 'module') {
    const exported = await importDefaultExport(source.path, process.cwd(), 'model');
    if (typeof exported !== 'function')
      throw new UsageError(`${what}: its default export must be a function (inputShape, numClasses, { seed }) => tf.LayersModel (or a Promise of one)`);
    builder = exported as ModelBuilder;
  }
  const build = async (seed: number): Promise<tf.LayersModel> => {
    let model: unknown;
    try {
      model = await buildSeeded(builder, data, seed);
    } catch (err) {
      throw new UsageError(`${what} threw building a model for inputs [${data.shape}] and ${data.classes} classes: ${(err as Error).message}`);
    }
    if (!(model instanceof tf.LayersModel)) throw new UsageError(`${what} returned ${typeof model}, not a tf.LayersModel`);
    checkModelFits(model, data, what);
    return model;
  };
  let repeats = source.kind !== 'module';
  const make: MakeModel = async (seed) => {
    const model = await build(seed);
    if (!repeats) {
      const again = await build(seed);
      repeats = sameWeights(model, again);
      again.dispose();
      if (!repeats) {
        model.dispose();
        throw new UsageError(
          `${what} built two models with different initial weights from the same seed ${seed}, so a run would not repeat from --seed: its weights come from a source the seed does not reach (an initializer made after an await, or a random source of its own); give its initializers the seed it is passed, e.g. kernelInitializer: tf.initializers.glorotUniform({ seed })`,
        );
      }
    }
    return model;
  };
  return make;
}

/** A weight's penalty and constraint as a message names them: `l2:0.001`, `maxnorm:m=1,axis=0`, `none`. */
const controlText = (w: WeightInfo | undefined, kind: 'penalty' | 'constraint') => w?.[kind]?.spec ?? 'none';

/**
 * The penalties and constraints the model carried on its own that the run's replaced or removed
 * (attachToKernels puts the run's on every kernel, and on biases only with penalizeBias), one text
 * per weight and kind; and each penalty that stayed on a weight the run's does not go on, said the
 * same way for any kind of weight: a bias's (without penalizeBias) its layer puts on the bias itself,
 * not from its config, which cannot be removed, and any other weight's (a BatchNormalization's gamma,
 * a custom layer's `scale/gain`), which penx leaves as it is (both train, and run.json lists them).
 * `before` and `after` list the same weights in the same order.
 *
 * @example
 * replacedControls(weightInfos(built), weightInfos(withRunPenalty), false)
 * // ['gru/recurrent_kernel: penalty cauchy:0.001,s=0.5 → l1:0.0001', 'gru/bias: penalty l2:0.001 → none',
 * //  'shift/bias: penalty l2:0.01 kept (layer shift puts it on the bias itself, not from its config's biasRegularizer)',
 * //  'scale/gain: penalty l2:0.01 kept (layer scale puts it on a weight the run's penalty does not go on: only kernels and, with --penalize-bias, biases take it)']
 */
export function replacedControls(before: readonly WeightInfo[], after: readonly WeightInfo[], penalizeBias: boolean): string[] {
  return before.flatMap((w, i) =>
    (['penalty', 'constraint'] as const).flatMap((kind) => {
      const [was, now] = [controlText(w, kind), controlText(after[i], kind)];
      if (w[kind] && was !== now) return [`${w.name}: ${kind} ${was} → ${now}`];
      const runs = w.kind === 'kernel' || (w.kind === 'bias' && penalizeBias);
      if (kind !== 'penalty' || runs || !after[i]?.penalty) return [];
      const where =
        w.kind === 'bias'
          ? "the bias itself, not from its config's biasRegularizer"
          : "a weight the run's penalty does not go on: only kernels and, with --penalize-bias, biases take it";
      return [`${w.name}: penalty ${now} kept (layer ${w.layer} puts it on ${where})`];
    }),
  );
}

/**
 * The model of one run: built for the seed, with the penalty and constraint on every kernel.
 * `onReplaced` hears which of the model's own penalties and constraints those replaced or removed
 * (none: not called).
 */
export async function runModel(
  make: MakeModel,
  seed: number,
  controls: KernelControls & { readonly penalty: PenaltyRegularizer; readonly penalizeBias: boolean },
  onReplaced?: (changes: string[]) => void,
): Promise<tf.LayersModel> {
  const built = await make(seed);
  try {
    const model = await attachToKernels(built, controls);
    const changes = onReplaced ? replacedControls(weightInfos(built), weightInfos(model), controls.penalizeBias) : [];
    if (changes.length) onReplaced?.(changes);
    return model;
  } finally {
    built.dispose();
  }
}
