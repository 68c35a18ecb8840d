/** Moving weights and gradients between threads as one flat array, and the bare topology workers rebuild (and the classes it names). */
import { completeTopology } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';

/** The variables of a model that are not trained (a frozen layer's weights), in `model.nonTrainableWeights` order. */
export function frozenVariables(model: tf.LayersModel): tf.Variable[] {
  return model.nonTrainableWeights.map((lv) => lv.read() as tf.Variable);
}

/**
 * The shape and trainability of each of `model.weights`, in order: two models with the same layout
 * take each other's flat weights, and their trainable weights are the same ones. (`model.weights`
 * lists the trainable weights first, so the order itself depends on which layers are frozen.)
 */
export function weightLayout(model: tf.LayersModel): string {
  const trainable = new Set(model.trainableWeights);
  return model.weights.map((w) => `${w.shape.join('x')}${trainable.has(w) ? '' : ' frozen'}`).join(', ');
}

/** Tensors (weights or their gradients, in model order) concatenated into one flat array. */
export function flatTensors(tensors: readonly Tensor[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(tensors.reduce((s, t) => s + t.size, 0));
  let off = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, off);
    off += t.size;
  }
  return out;
}

/** Write flat weights into the variables (assign, not setWeights: no constraint is applied). */
export function assignFlat(vars: readonly tf.Variable[], flat: Float32Array): void {
  let off = 0;
  for (const v of vars) {
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(off, off + v.size), v.shape, 'float32')));
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
