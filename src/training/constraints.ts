/**
 * Applying the layers' constraints (`kernelConstraint`, `biasConstraint`) to their trainable
 * weights, as Keras does after every update (its optimiser projects the variables it updates): a
 * frozen layer (`trainable: false`) keeps its weights as they are. TF.js's own `fit` ignores
 * constraints (its optimisers write the variables directly, tensorflow/tfjs#3345).
 */

import { SpecError } from '../errors.ts';
import { uniqueWeights, weightKeys } from '../model/index.ts';
import { channelLayouts } from '../monitor/index.ts';
import { matcher } from '../optim/index.ts';
import { type Tensor, tf } from '../tf.ts';

/**
 * Project every trainable weight that has a constraint: w ← constraint(w); non-trainable weights
 * (a frozen layer's) are left alone, and so are the weights whose names match `frozen` (patterns
 * as in `LayerControls.freeze`: frozen by the optimiser, they do not move). With `measure`, also
 * return, per constrained weight (by `weightKeys`: its name, or its variable’s unique name when
 * two weights share a name), the share of its output channels the constraint changed: a
 * layer's channel kernel's channels as its norms count them (`channelLayout`: e.g. a
 * Conv2DTranspose's second last axis), another weight's last axis.
 *
 * @example
 * applyConstraints(model, true);   // { 'dense_1/kernel': 0.25 }: a quarter of its units were projected
 */
export function applyConstraints(model: tf.LayersModel, measure = false, frozen: readonly string[] = []): Record<string, number> {
  const names: string[] = [];
  const shares: Tensor[] = [];
  const isFrozen = frozen.length > 0 ? matcher(frozen) : () => false;
  const layouts = measure ? channelLayouts(model) : undefined;
  const keys = measure ? weightKeys(model) : undefined;
  for (const lv of uniqueWeights(model, true)) {
    if (lv.constraint == null || isFrozen(lv.originalName)) continue;
    const v = lv.read() as tf.Variable;
    tf.tidy(() => {
      const after = lv.constraint.apply(v);
      // A constraint that returns its input (or a view of the same data) leaves the weight as it is.
      const same = after.dataId === v.dataId;
      if (measure) {
        const changed = tf.greater(tf.abs(tf.sub(after, v)), tf.mul(1e-6, tf.add(1, tf.abs(v))));
        const layout = layouts?.get(lv) ?? { channels: v.shape[v.rank - 1] ?? 1, inner: 1 };
        const perChannel = tf.any(tf.reshape(changed, [-1, layout.channels, layout.inner]), [0, 2]);
        names.push(keys?.get(lv) ?? lv.originalName);
        shares.push(tf.keep(same ? tf.scalar(0) : tf.mean(tf.cast(perChannel, 'float32'))));
      }
      if (!same) v.assign(after);
    });
  }
  if (shares.length === 0) return {};
  // One download for all constrained weights.
  const values = tf.tidy(() => tf.stack(shares).dataSync());
  tf.dispose(shares);
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? 0]));
}

/** True when some trainable weight of the model has a constraint (one `applyConstraints` projects). */
export function hasConstraints(model: tf.LayersModel): boolean {
  return uniqueWeights(model, true).some((lv) => lv.constraint != null);
}

/**
 * Throws a SpecError naming the weight when one of the model's constraints cannot be applied to
 * it (an axis out of range, a function that throws, a wrong shape or non-finite values), so a bad
 * constraint stops a run before it starts. The weights are not changed.
 */
export function checkConstraints(model: tf.LayersModel): void {
  for (const lv of model.weights) {
    if (lv.constraint == null) continue;
    const v = lv.read();
    let problem: string | undefined;
    try {
      problem = tf.tidy(() => {
        const out = lv.constraint.apply(v);
        if (!(out instanceof tf.Tensor) || out.shape.join() !== v.shape.join())
          return `it returned ${out instanceof tf.Tensor ? `shape [${out.shape}]` : typeof out}`;
        return out.dataSync().every(Number.isFinite) ? undefined : 'it returned non-finite values';
      });
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem) {
      const spec = (lv.constraint as { spec?: string }).spec ?? lv.constraint.getClassName();
      throw new SpecError(`constraint ${spec} cannot be applied to ${lv.originalName} (shape [${v.shape}]): ${problem}`);
    }
  }
}
