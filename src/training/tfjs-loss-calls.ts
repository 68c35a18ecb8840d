/**
 * How many times TF.js's own `model.fit` adds each layer's penalties to its loss. It adds
 * `model.calculateLosses()`, which takes a layer's loss terms once per call of the layer in the
 * model (tfjs-layers' Container, per inbound node; a nested model's the same way, inside):
 *
 *   a layer shared by two branches, or a nested model used twice ─► its penalties counted twice
 *   (TF.js trains with 2·λ·φ(w), and logs it in its `loss`)
 *
 * Counted by asking TF.js itself: each layer's `calculateLosses` is wrapped for one call of the
 * model's, and the calls are counted (a Sequential model not built yet: of the graph its build makes).
 *
 * @example
 * const shared = tf.layers.dense({ units: 2, kernelRegularizer: penalty('l1:0.1') });
 * // model = tf.model({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] })
 * lossCallsOf(model, [shared]).get(shared)   // 2
 */
import { tf } from '../tf.ts';

/**
 * `model` as TF.js's `model.fit` sees it: a Sequential model trains (and counts losses) through the
 * functional model it wraps once built (`model.model`), whose layers are not always its own — a
 * Sequential given as its first layer is flattened into it there (its layers, not it, are among the
 * graph's), so the Sequential's own `calculateLosses` finds none of that inner model's penalties
 * though `model.fit` counts them once. One not built yet (by `compile`, `fit` or `predict`) has no
 * graph of its own; its graph is then the one its `build` would make, of its inputs and outputs
 * (made here apart: `model` is not changed).
 */
function asBuilt(model: tf.LayersModel): tf.LayersModel {
  if (!(model instanceof tf.Sequential)) return model;
  const wrapped = (model as unknown as { model?: tf.LayersModel }).model;
  if (model.built && wrapped) return wrapped;
  return model.inputs.length === 0 ? model : tf.model({ inputs: model.inputs, outputs: model.outputs });
}

/** Per layer of `layers`, how many times `model.calculateLosses()` takes its loss terms. */
export function lossCallsOf(model: tf.LayersModel, layers: readonly tf.layers.Layer[]): Map<tf.layers.Layer, number> {
  const calls = new Map<tf.layers.Layer, number>(layers.map((l) => [l, 0]));
  const wrapped = [...calls.keys()].filter((l) => !Object.hasOwn(l, 'calculateLosses'));
  for (const layer of wrapped) {
    const own = layer.calculateLosses.bind(layer);
    layer.calculateLosses = () => {
      calls.set(layer, (calls.get(layer) ?? 0) + 1);
      return own();
    };
  }
  try {
    tf.tidy(() => {
      asBuilt(model).calculateLosses();
    });
  } finally {
    for (const layer of wrapped) delete (layer as unknown as { calculateLosses?: unknown }).calculateLosses;
  }
  return calls;
}
