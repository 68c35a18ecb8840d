/**
 * GlobalAveragePooling2D and GlobalMaxPooling2D (channels last) in the fused graph: each channel of
 * x [n, h, w, c] reduced over its h·w positions to y [n, c], as TF.js's mean(x, [1, 2]) and
 * max(x, [1, 2]):
 *
 *   avg   forward  y = mean of x over (h, w)
 *         backward dx = dy / (h·w) at every position (Expand)
 *   max   forward  y = max of x over (h, w)
 *         backward dx = dy·[x = y]: EVERY position holding the maximum gets dy whole, as TF.js's Max
 *                  gradient gives it (dy·cast(equal(x, y)), on every backend), not the first one only
 *                  as MaxPooling2D's MaxPoolGrad does (pooling.ts): e.g. a constant 4×4 channel passes
 *                  dy to each of its 16 positions
 */
import { configOf, type LayerEmitter, type LayerPlanner } from './layer.ts';

/** The input's [h, w, c], or why the layer is not expressed. */
function spatial(layer: Parameters<LayerPlanner>[0], inShape: readonly number[]): readonly [number, number, number] | string {
  const kind = layer.getClassName();
  const format = configOf(layer)['dataFormat'];
  if (format !== 'channelsLast') return `${layer.name}: ${kind} with data format ${String(format)} (the fused graph takes channelsLast)`;
  if (inShape.length !== 3) return `${layer.name}: ${kind} on inputs of rank ${inShape.length + 1}`;
  return inShape as [number, number, number];
}

/** The planner of GlobalAveragePooling2D: y the mean over (h, w), dx = dy / (h·w) at each position. */
export const planGlobalAveragePooling2D: LayerPlanner = (layer, inShape): LayerEmitter | string => {
  const s = spatial(layer, inShape);
  if (typeof s === 'string') return s;
  const [h, w, c] = s;
  return {
    outShape: [c],
    weights: [],
    forward(b, x, ctx) {
      const n = ctx.n;
      return {
        y: b.op('ReduceMean', [x], { axes: [1, 2], keepdims: 0 }),
        backward: (bb, dy, needDx) => {
          if (!needDx) return undefined;
          const share = bb.op('Div', [bb.reshape(dy, [n, 1, 1, c]), bb.scalar(h * w)]);
          return bb.op('Expand', [share, bb.ints([n, h, w, c])]);
        },
      };
    },
  };
};

/** The planner of GlobalMaxPooling2D: y the max over (h, w), dx = dy at every position equal to it (see the file's comment). */
export const planGlobalMaxPooling2D: LayerPlanner = (layer, inShape): LayerEmitter | string => {
  const s = spatial(layer, inShape);
  if (typeof s === 'string') return s;
  const c = s[2];
  return {
    outShape: [c],
    weights: [],
    forward(b, x, ctx) {
      const n = ctx.n;
      const y = b.op('ReduceMax', [x], { axes: [1, 2], keepdims: 0 });
      return {
        y,
        backward: (bb, dy, needDx) => {
          if (!needDx) return undefined;
          const atMax = bb.op('Cast', [bb.op('Equal', [x, bb.reshape(y, [n, 1, 1, c])])], { to: 1 });
          return bb.op('Mul', [bb.reshape(dy, [n, 1, 1, c]), atMax]);
        },
      };
    },
  };
};
