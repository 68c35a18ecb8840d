/**
 * Putting one penalty (and a constraint) on every kernel of a built model, as the command line
 * does for any model it is given:
 *
 *   model ─► its topology (JSON) with kernel_regularizer (and bias_regularizer, kernel_constraint)
 *         set on every layer that has a kernel ─► the model rebuilt from it ─► the weights copied
 *
 * The model must be one TF.js can serialise (its layers registered). `none` puts no penalty on.
 */
import { tf } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import type { PenxConstraint } from '../constraints/constraint.ts';
import { kernelOf } from '../monitor/norms.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

export interface KernelControls {
  /** The penalty of every kernel (and of every bias with `penalizeBias`). */
  readonly penalty?: PenaltyRegularizer;
  readonly penalizeBias?: boolean;
  /** The constraint of every kernel. */
  readonly constraint?: PenxConstraint;
}

type Json = Record<string, unknown>;
const serialize = (x: tf.serialization.Serializable) => ({ class_name: x.getClassName(), config: x.getConfig() });

/** Set the layer configs' regularizer and constraint entries, in place, for layers named in `withKernel`. */
function setConfigs(node: unknown, withKernel: ReadonlySet<string>, c: KernelControls): void {
  if (Array.isArray(node)) return node.forEach((n) => setConfigs(n, withKernel, c));
  if (node === null || typeof node !== 'object') return;
  const o = node as Json;
  const config = o['config'] as Json | undefined;
  if (typeof o['class_name'] === 'string' && config && typeof config['name'] === 'string' && withKernel.has(config['name'])) {
    const kernelKey = 'kernel_regularizer' in config ? 'kernel' : 'depthwise_regularizer' in config ? 'depthwise' : undefined;
    const reg = c.penalty && c.penalty.definition.name !== 'none' ? serialize(c.penalty) : null;
    if (kernelKey) config[`${kernelKey}_regularizer`] = reg;
    if ('bias_regularizer' in config) config['bias_regularizer'] = c.penalizeBias ? reg : null;
    if (kernelKey && `${kernelKey}_constraint` in config) config[`${kernelKey}_constraint`] = c.constraint ? serialize(c.constraint) : null;
  }
  for (const v of Object.values(o)) setConfigs(v, withKernel, c);
}

/**
 * A copy of `model` (same weights) with the penalty and constraint on every kernel; what the
 * layers had before is replaced.
 *
 * @example
 * const m = await attachToKernels(myModel, { penalty: penalty('l1:1e-4'), constraint: constraint('maxnorm:m=2') });
 */
export async function attachToKernels(model: tf.LayersModel, controls: KernelControls): Promise<tf.LayersModel> {
  let topology: Json;
  try {
    topology = model.toJSON(null, false) as Json;
  } catch (err) {
    throw new SpecError(`model ${model.name} cannot be serialised by TF.js (${(err as Error).message}); put the penalty on its layers yourself`);
  }
  const withKernel = new Set(model.layers.filter((l) => kernelOf(l)).map((l) => l.name));
  setConfigs(topology, withKernel, controls);
  const out = await tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
  if (out.weights.length !== model.weights.length) throw new Error(`internal: the rebuilt model has ${out.weights.length} weights, the original ${model.weights.length}`);
  // Assign, not setWeights: the weights are copied as they are, not projected by the new constraint.
  out.weights.forEach((lv, i) => (lv.read() as tf.Variable).assign(model.weights[i]!.read()));
  return out;
}
