/**
 * The activation layers in the fused graph: the activation alone (activation.ts), as the layer's
 * config gives it; y = f(x) element-wise, dx = f'(dy) on the saved x (or y):
 *
 *   Activation({activation: a})   a (one of activation.ts's names)
 *   ReLU()                        relu;  ReLU({maxValue: m}) min(max(x, 0), m), e.g. m = 6 is relu6
 *   LeakyReLU({alpha: α})         x < 0 ? α·x : x   (TF.js's default α = 0.3)
 *   ELU()                         elu (TF.js's ELU layer takes α = 1 only)
 *   Softmax({axis})               softmax over the last axis: TF.js's default axis 1 is the last of
 *                                 [batch, units], and its softmax takes no other single axis; over
 *                                 several axes (exp(x − logSumExp)) it is not expressed here
 *
 * A final Softmax layer before a cross-entropy is not emitted at all (plan.ts): the loss reads
 * the logits, as on the per-kernel path (training/forward.ts).
 */
import { softmaxOverLastAxis } from '../../../../training/index.ts';
import { type Activation, activationOf, cappedRelu, leakyRelu } from './activation.ts';
import { configOf, type LayerPlanner } from './layer.ts';

/** The layer's activation, or why the graph does not express it. */
function activationOfLayer(layer: Parameters<LayerPlanner>[0], inShape: readonly number[]): Activation | string {
  const c = configOf(layer);
  const kind = layer.getClassName();
  switch (kind) {
    case 'ReLU': {
      const max = c['maxValue'];
      if (max == null) return activationOf('relu')!;
      return typeof max === 'number' && Number.isFinite(max) && max >= 0 ? cappedRelu(max) : `${layer.name}: ReLU with maxValue ${String(max)}`;
    }
    case 'LeakyReLU': {
      const alpha = c['alpha'];
      return typeof alpha === 'number' && Number.isFinite(alpha) ? leakyRelu(alpha) : `${layer.name}: LeakyReLU with alpha ${String(alpha)}`;
    }
    case 'ELU':
      return c['alpha'] == null || c['alpha'] === 1 ? activationOf('elu')! : `${layer.name}: ELU with alpha ${String(c['alpha'])}`;
    case 'Softmax': {
      const axis = c['axis'];
      const last = inShape.length;
      if (softmaxOverLastAxis(axis, last + 1)) return activationOf('softmax')!;
      return Array.isArray(axis)
        ? `${layer.name}: Softmax over axes [${axis}] (the fused graph takes the last axis)`
        : `${layer.name}: Softmax over axis ${String(axis)} of inputs of rank ${last + 1} (the fused graph takes the last axis)`;
    }
    default: {
      const name = c['activation'] as string | undefined;
      return activationOf(name) ?? `${layer.name}: activation ${String(name)}`;
    }
  }
}

/** The planner of Activation, ReLU, LeakyReLU, ELU and Softmax layers (see the file's comment): the activation alone, or why not. */
export const planActivation: LayerPlanner = (layer, inShape) => {
  const act = activationOfLayer(layer, inShape);
  if (typeof act === 'string') return act;
  return {
    outShape: inShape,
    weights: [],
    forward(b, x) {
      const y = act.forward(b, x);
      return { y, backward: (bb, dy, needDx) => (needDx ? act.backward(bb, dy, { z: x, y }) : undefined) };
    },
  };
};
