/**
 * Whether a user's own layer classes compute sample by sample, as cutting a batch into shards needs.
 * TF.js's own layers are known (`batchBoundLayer`); a class a user's module registers is not, so
 * each layer of one is tried on a small batch in training mode:
 *
 *   each layer of such a class ─► 4 samples of fixed values in (0, 1), of its inputs' shapes
 *     ─► its output on all 4, and on the shards 2 + 2 stacked ─► they differ (beyond 1e-5 of the
 *        output's largest value), or a weight of the layer was assigned, or it threw ─► bound
 *
 * Example: a layer subtracting the batch's mean (`x − mean(x, 0)`) is bound; one taking `⌊x · 7.999⌋` is not.
 * A layer drawing random numbers of its own (its own dropout) is bound too: its shards draw others.
 * What the trial's runs assign (a moving statistic) is put back: training starts from the model as given.
 */

import { errorLine } from '../error-line.ts';
import { makersOf } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';

/** Samples of the trial batch, and a free dimension's size in it. */
const SAMPLES = 4;
const FREE_DIM = 3;

/** Inputs of `shapes` (each [null, …]) for SAMPLES samples, values in (0, 1) that repeat. */
function trialInputs(shapes: readonly (number | null)[][]): Tensor[] {
  return shapes.map((shape, k) => {
    const dims = [SAMPLES, ...shape.slice(1).map((d) => d ?? FREE_DIM)];
    const size = dims.reduce((a, b) => a * b, 1);
    return tf.tensor(
      Array.from({ length: size }, (_, i) => 0.5 + 0.45 * Math.sin(i * 1.37 + k)),
      dims,
    );
  });
}

/** Why `layer` does not compute sample by sample in training mode, or undefined when it does (see the file's comment). */
function trial(layer: tf.layers.Layer): string | undefined {
  const shapes = layer.inboundNodes[0]?.inputShapes;
  if (!shapes) return 'it was never called on an input';
  const list = (Array.isArray(shapes[0]) || shapes.length === 0 ? shapes : [shapes]) as (number | null)[][];
  const ids = () => layer.weights.map((w) => w.read().dataId);
  const before = ids();
  // Kept to put back what the trial's runs assign (a moving statistic): the run trains from the model as given.
  const values = layer.weights.map((w) => tf.clone(w.read()));
  try {
    const differs = tf.tidy(() => {
      const xs = trialInputs(list);
      const run = (ins: Tensor[]) => [layer.apply(ins.length === 1 ? ins[0]! : ins, { training: true }) as Tensor | Tensor[]].flat();
      const whole = run(xs);
      const half = SAMPLES / 2;
      const parts = [0, half].map((start) => run(xs.map((x) => tf.slice(x, start, half))));
      return whole.some((w, o) => {
        const stacked = tf.concat(
          parts.map((p) => p[o]!),
          0,
        );
        if (stacked.shape.join() !== w.shape.join()) return true;
        const scale = 1 + tf.max(tf.abs(w)).dataSync()[0]!;
        const gap = tf.max(tf.abs(tf.sub(stacked, w))).dataSync()[0]!;
        return !(gap <= 1e-5 * scale);
      });
    });
    if (ids().some((id, i) => id !== before[i])) return 'it assigns its own weights as it runs';
    return differs ? "a sample's output depends on the other samples of its batch" : undefined;
  } catch (e) {
    return `it could not be tried on ${SAMPLES} samples (${errorLine(e)})`;
  } finally {
    const now = ids();
    for (const [i, w] of layer.weights.entries()) if (now[i] !== before[i]) w.write(values[i]!);
    tf.dispose(values);
  }
}

/**
 * The first layer of `model` of a class among `classes` (a user's: see the file's comment) that does
 * not compute sample by sample in training mode, as `path (Class): why`; undefined when there is none.
 * Nested models are looked into, but one of such a class (a `tf.LayersModel` subclass with a `call` of its
 * own), like `model` itself, is tried whole; a wrapper (Bidirectional, TimeDistributed) around such a layer is tried whole.
 */
export function batchBoundUserLayer(model: tf.LayersModel, classes: readonly string[], prefix = ''): string | undefined {
  const tried = (layer: tf.layers.Layer, path: string) => {
    const why = trial(layer);
    return why && `${path} (${layer.getClassName()}): ${why}`;
  };
  if (prefix === '' && classes.includes(model.getClassName())) {
    const whole = tried(model, model.name);
    if (whole) return whole;
  }
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel && !classes.includes(layer.getClassName())) {
      const inner = batchBoundUserLayer(layer, classes, `${prefix}${layer.name}/`);
      if (inner) return inner;
      continue;
    }
    if (!makersOf(layer).some((m) => classes.includes(m.getClassName()))) continue;
    const why = tried(layer, `${prefix}${layer.name}`);
    if (why) return why;
  }
  return undefined;
}
