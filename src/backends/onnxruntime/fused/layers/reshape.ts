/**
 * Flatten and Reshape in the fused graph: the same values viewed in another shape (channels-last
 * order, as TF.js flattens), and the gradient viewed back.
 */
import { configOf, type LayerPlanner } from './layer.ts';

const prod = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

/** A view of the input as `outShape` per sample; the gradient is viewed back. */
function view(inShape: readonly number[], outShape: readonly number[]): ReturnType<LayerPlanner> {
  return {
    outShape,
    weights: [],
    forward: (b, x, ctx) => ({
      y: b.reshape(x, [ctx.n, ...outShape]),
      backward: (bb, dy, needDx) => (needDx ? bb.reshape(dy, [ctx.n, ...inShape]) : undefined),
    }),
  };
}

/** The planner of Flatten (channels last): a view as [Π inShape]. */
export const planFlatten: LayerPlanner = (layer, inShape) => {
  const c = configOf(layer);
  if (c['dataFormat'] === 'channelsFirst') return `${layer.name}: Flatten with data format channelsFirst`;
  return view(inShape, [prod(inShape)]);
};

/** The planner of Reshape: a view as its target shape (one free −1/null dimension inferred). */
export const planReshape: LayerPlanner = (layer, inShape) => {
  const target = (configOf(layer)['targetShape'] as Array<number | null> | undefined) ?? [];
  const known = target.filter((d): d is number => d !== null && d !== -1);
  const free = target.length - known.length;
  if (free > 1 || (free === 1 && prod(inShape) % prod(known) !== 0)) return `${layer.name}: Reshape to [${target}]`;
  const outShape = target.map((d) => (d === null || d === -1 ? prod(inShape) / prod(known) : d));
  if (prod(outShape) !== prod(inShape)) return `${layer.name}: Reshape to [${target}] of [${inShape}]`;
  return view(inShape, outShape);
};
