/**
 * Dense on [n, units] inputs in the fused graph (higher ranks take the per-kernel path):
 *
 *   forward    y = act(x·W + b)                     one Gemm (bias as its C)
 *   backward   dz = act'(dy) ─► dW = xᵀ·dz, db = Σ dz over n, dx = dz·Wᵀ   (Gemm with transA / transB)
 */
import { activationOf } from './activation.ts';
import { type Backward, configOf, type LayerPlanner } from './layer.ts';

/** The planner of Dense layers on [n, units] inputs (see the file's comment): their emitter, or why not. */
export const planDense: LayerPlanner = (layer, inShape, activation) => {
  const c = configOf(layer);
  if (inShape.length !== 1) return `${layer.name}: Dense on inputs of rank ${inShape.length + 1} (the fused graph takes [batch, features])`;
  if (c['activityRegularizer']) return `${layer.name}: an activity regularizer (a loss term on activations)`;
  const act = activationOf(activation ?? (c['activation'] as string | undefined));
  if (!act) return `${layer.name}: activation ${String(c['activation'])}`;
  const [kernel, bias] = layer.weights;
  if (kernel?.shape.length !== 2 || kernel.shape[0] !== inShape[0] || layer.weights.length !== (c['useBias'] ? 2 : 1))
    return `${layer.name}: Dense weights the fused graph does not know`;
  const units = kernel.shape[1] as number;
  return {
    outShape: [units],
    weights: bias ? [kernel, bias] : [kernel],
    forward(b, x, ctx) {
      const w = ctx.weight(kernel);
      const z = b.op('Gemm', bias ? [x, w, ctx.weight(bias)] : [x, w]);
      const y = act.forward(b, z);
      const backward: Backward = (bb, dz, needDx) => {
        if (bias && ctx.trains(bias)) ctx.gradient(bias, bb.sum(dz, [0]));
        if (ctx.trains(kernel)) ctx.gradient(kernel, bb.op('Gemm', [x, dz], { transA: 1 }));
        return needDx ? bb.op('Gemm', [dz, w], { transB: 1 }) : undefined;
      };
      return {
        y,
        backward: (bb, dy, needDx) => backward(bb, act.backward(bb, dy, { z, y }), needDx),
        ...(act.name === 'relu' ? { gatedBackward: backward } : {}),
      };
    },
  };
};
