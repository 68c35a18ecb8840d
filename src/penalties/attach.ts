/**
 * Putting one penalty (and a constraint) on every kernel of a built model, as the command line
 * does for any model it is given:
 *
 *   model ─► its topology (JSON) with the regularizer and constraint of every kernel set — a Dense
 *         or convolution's kernel, a recurrent layer's input and recurrent kernels, depthwise and
 *         pointwise kernels, an Embedding's matrix; biases with `penalizeBias` — in every layer
 *         config, inside wrappers (Bidirectional, TimeDistributed) and nested models too
 *   ─► a new model built from it ─► the weights copied
 *
 * The model must be one TF.js can serialise and rebuild (its custom layers registered: a UsageError
 * otherwise, naming the class). `none` puts no penalty on.
 */

import type { PenxConstraint } from '../constraints/index.ts';
import { UsageError } from '../errors.ts';
import { applyTrainable, completeTopology } from '../model/index.ts';
import { tf } from '../tf.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** What `attachToKernels` puts on every kernel of a model: a penalty (on biases too, with `penalizeBias`) and a constraint. */
export interface KernelControls {
  /** The penalty of every kernel (and of every bias with `penalizeBias`). */
  readonly penalty?: PenaltyRegularizer;
  /** Put the penalty on every bias too; default false. */
  readonly penalizeBias?: boolean;
  /** The constraint of every kernel. */
  readonly constraint?: PenxConstraint;
}

type Json = Record<string, unknown>;
const serialize = (x: tf.serialization.Serializable) => ({ class_name: x.getClassName(), config: x.getConfig() });

/** The config keys (without `_regularizer` / `_constraint`) of a layer's kernels. */
const KERNEL_KEYS = ['kernel', 'recurrent', 'depthwise', 'pointwise', 'embeddings'];

/** Set the regularizer and constraint entries of every layer config in `node` (a topology), in place. */
function setConfigs(node: unknown, c: KernelControls): void {
  if (Array.isArray(node)) {
    for (const n of node) setConfigs(n, c);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Json;
  const config = o['config'] as Json | undefined;
  if (typeof o['class_name'] === 'string' && config && typeof config === 'object' && !Array.isArray(config)) {
    const reg = c.penalty && c.penalty.definition.name !== 'none' ? serialize(c.penalty) : null;
    for (const key of KERNEL_KEYS) {
      if (`${key}_regularizer` in config) config[`${key}_regularizer`] = reg;
      if (`${key}_constraint` in config) config[`${key}_constraint`] = c.constraint ? serialize(c.constraint) : null;
    }
    if ('bias_regularizer' in config && KERNEL_KEYS.some((k) => `${k}_regularizer` in config)) config['bias_regularizer'] = c.penalizeBias ? reg : null;
  }
  for (const v of Object.values(o)) setConfigs(v, c);
}

/**
 * A new model (the same layers and weights; `model` itself is not changed) with the penalty and
 * constraint on every kernel; what the kernels had before is replaced.
 *
 * @example
 * const m = await attachToKernels(myModel, { penalty: penalty('l1:1e-4'), constraint: constraint('maxnorm:m=2') });
 */
export async function attachToKernels(model: tf.LayersModel, controls: KernelControls): Promise<tf.LayersModel> {
  let topology: Json;
  try {
    topology = completeTopology(model.toJSON(null, false) as Json, model);
  } catch (err) {
    throw new UsageError(`model ${model.name} cannot be serialised by TF.js (${(err as Error).message}); put the penalty on its layers yourself`);
  }
  setConfigs(topology, controls);
  let rebuilt: tf.LayersModel;
  try {
    rebuilt = await tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
  } catch (err) {
    // A custom layer class TF.js does not know by name (never given to tf.serialization.registerClass) serialises but does not rebuild.
    const why = (err as Error).message.split('\n')[0]!.replace(/\s*This may be due to .*$/, '');
    const fix = /^Unknown layer/.test(why)
      ? 'register each custom layer class with tf.serialization.registerClass (a static className)'
      : 'change what TF.js says';
    throw new UsageError(
      `model ${model.name} cannot be rebuilt by TF.js from its JSON (${why}), which putting a penalty on every kernel needs: ${fix}, or put the penalty on its layers yourself`,
    );
  }
  const out = applyTrainable(rebuilt, topology);
  if (out.weights.length !== model.weights.length)
    throw new Error(`internal: the rebuilt model has ${out.weights.length} weights, the original ${model.weights.length}`);
  // Assign, not setWeights: the weights are copied as they are, not projected by the new constraint.
  out.weights.forEach((lv, i) => (lv.read() as tf.Variable).assign(model.weights[i]!.read()));
  return out;
}
