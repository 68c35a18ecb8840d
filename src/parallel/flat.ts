/** Moving weights and gradients between threads as one flat array, and the bare topology workers rebuild (and the classes it names). */
import { UsageError } from '../errors.ts';
import { completeTopology, uniqueWeights } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';

/** The variables of a model that are not trained (a frozen layer's weights, an int32 weight: `uniqueWeights(model, true)` has neither), in `model.weights` order. */
export function frozenVariables(model: tf.LayersModel): tf.Variable[] {
  const trained = new Set(uniqueWeights(model, true));
  return model.weights.filter((lv) => !trained.has(lv)).map((lv) => lv.read() as tf.Variable);
}

/**
 * The shape and trainability of each of `model.weights`, in order: two models with the same layout
 * take each other's flat weights, and their trained weights (`uniqueWeights(model, true)`) are the same ones. (`model.weights`
 * lists the trainable weights first, so the order itself depends on which layers are frozen.)
 */
export function weightLayout(model: tf.LayersModel): string {
  const trained = new Set(uniqueWeights(model, true));
  return model.weights.map((w) => `${w.shape.join('x')}${trained.has(w) ? '' : ' frozen'}`).join(', ');
}

/** Why a weight of dtype `dtype` holding `value` cannot go to the worker threads (see `flatTensors`). */
const inexactWhy = (what: string, dtype: string, value: number) =>
  `${what} of dtype ${dtype} holds ${value}, which the float32 arrays that carry weights to the worker threads cannot hold exactly (they hold whole numbers exactly up to 2^24 = 16777216); train this model on one thread, with no shard workers, where the weight stays ${dtype}`;

/** The first of `values` (from a tensor of another dtype than float32) that float32 cannot hold exactly. */
const firstInexact = (values: ArrayLike<number>): number | undefined =>
  Array.prototype.find.call(values, (v: number) => Math.fround(v) !== v) as number | undefined;

/**
 * Tensors (weights or their gradients, in model order) concatenated into one flat float32 array. A
 * weight of another dtype (a custom layer's int32 counter) is carried as float32, which holds every
 * integer up to 2^24 exactly; one holding a value float32 cannot (int32 16 777 217) is a UsageError,
 * never rounded on its way to a worker (`inexactWeight` finds it before a run starts).
 *
 * @example
 * flatTensors([tf.ones([2, 2]), tf.tensor1d([3, 4], 'int32')])   // Float32Array [1, 1, 1, 1, 3, 4]
 */
export function flatTensors(tensors: readonly Tensor[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(tensors.reduce((s, t) => s + t.size, 0));
  let off = 0;
  for (const t of tensors) {
    const values = t.dataSync();
    out.set(values as Float32Array, off);
    const inexact = t.dtype === 'float32' ? undefined : firstInexact(values as ArrayLike<number>);
    if (inexact !== undefined) throw new UsageError(inexactWhy('a weight', t.dtype, inexact));
    off += t.size;
  }
  return out;
}

/**
 * Why `model`'s weights cannot be carried to worker threads (`flatTensors`): the first of another
 * dtype than float32 holding a value float32 cannot hold exactly, named; undefined when there is none.
 * Checked before a run starts, so a refused run writes nothing.
 *
 * @example
 * inexactWeight(model)   // 'weight count/count of dtype int32 holds 16777217, which the float32 arrays … cannot hold exactly …'
 */
export function inexactWeight(model: tf.LayersModel): string | undefined {
  for (const w of new Set(model.weights)) {
    if (w.dtype === 'float32') continue;
    const inexact = firstInexact(w.read().dataSync() as ArrayLike<number>);
    if (inexact !== undefined) return inexactWhy(`weight ${w.originalName}`, w.dtype, inexact);
  }
  return undefined;
}

/** Write flat weights into the variables, each in its own dtype (assign, not setWeights: no constraint is applied). */
export function assignFlat(vars: readonly tf.Variable[], flat: Float32Array): void {
  let off = 0;
  for (const v of vars) {
    tf.tidy(() => {
      const value = tf.tensor(flat.subarray(off, off + v.size), v.shape, 'float32');
      v.assign(v.dtype === 'float32' ? value : tf.cast(value, v.dtype));
    });
    off += v.size;
  }
  if (off !== flat.length) throw new Error(`expected ${off} weights, got ${flat.length}`);
}

/** The topology of a model with every regularizer and constraint removed (workers compute the data loss only). */
export function bareTopology(model: tf.LayersModel): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /_(regularizer|constraint)$/.test(k) ? null : strip(x)]));
  };
  return strip(completeTopology(model.toJSON(null, false), model));
}

/**
 * The classes a topology (Keras JSON) names that TF.js does not know in this thread (none registered
 * under that `class_name`: a user's layer or initializer class, before its module is imported), each once.
 *
 * @example
 * unknownClasses({ class_name: 'Sequential', config: { layers: [{ class_name: 'GainLevels', config: {} }] } })   // ['GainLevels']
 */
export function unknownClasses(topology: unknown): string[] {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v !== null && typeof v === 'object') {
      const name = (v as Record<string, unknown>)['class_name'];
      if (typeof name === 'string' && !(name in known)) found.add(name);
      for (const x of Object.values(v)) visit(x);
    }
  };
  visit(topology);
  return [...found];
}
