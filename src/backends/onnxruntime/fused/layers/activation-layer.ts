/** An Activation layer (and ReLU) in the fused graph: the activation alone (activation.ts). */
import { activationOf } from './activation.ts';
import { configOf, type LayerPlanner } from './layer.ts';

/** The planner of Activation and ReLU layers (ReLU without `maxValue`): the activation alone, or why not. */
export const planActivation: LayerPlanner = (layer, inShape) => {
  const c = configOf(layer);
  const name = layer.getClassName() === 'ReLU' ? (c['maxValue'] == null ? 'relu' : undefined) : (c['activation'] as string | undefined);
  const act = name === undefined ? undefined : activationOf(name);
  if (!act) return `${layer.name}: activation ${name ?? `${layer.getClassName()} with maxValue`}`;
  return {
    outShape: inShape,
    weights: [],
    forward(b, x) {
      const y = act.forward(b, x);
      return { y, backward: (bb, dy, needDx) => (needDx ? act.backward(bb, dy, { z: x, y }) : undefined) };
    },
  };
};
