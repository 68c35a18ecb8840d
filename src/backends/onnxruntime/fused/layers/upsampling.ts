/**
 * UpSampling2D with nearest-neighbour interpolation (channels last) in the fused graph: each pixel
 * of x [n, h, w, c] repeated sh × sw times, as TF.js's resizeNearestNeighbor to [h·sh, w·sw]; the
 * gradient sums each pixel's copies (the library's exact cpu kernel for TF.js's, kernels/):
 *
 *   forward  y  = Expand(x viewed as [n, h, 1, w, 1, c] ─► [n, h, sh, w, sw, c]) viewed as [n, h·sh, w·sw, c]
 *   backward dx = ReduceSum(dy viewed as [n, h, sh, w, sw, c], axes 2 and 4)
 *
 * e.g. UpSampling2D({size: [2, 2]}) on 7×7×8 gives 14×14×8; bilinear interpolation takes the per-kernel path.
 */
import { configOf, type LayerPlanner } from './layer.ts';

const isFactor = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** The planner of UpSampling2D (see the file's comment). */
export const planUpSampling2D: LayerPlanner = (layer, inShape) => {
  const config = configOf(layer);
  if (config['dataFormat'] !== 'channelsLast')
    return `${layer.name}: UpSampling2D with data format ${String(config['dataFormat'])} (the fused graph takes channelsLast)`;
  if (config['interpolation'] !== 'nearest') return `${layer.name}: UpSampling2D with ${String(config['interpolation'])} interpolation`;
  if (inShape.length !== 3) return `${layer.name}: UpSampling2D on inputs of rank ${inShape.length + 1}`;
  const size = config['size'];
  if (!Array.isArray(size) || size.length !== 2 || !size.every(isFactor)) return `${layer.name}: UpSampling2D with size ${JSON.stringify(size)}`;
  const [sh, sw] = size as [number, number];
  const [h, w, c] = inShape as [number, number, number];
  return {
    outShape: [h * sh, w * sw, c],
    weights: [],
    forward(b, x, ctx) {
      const n = ctx.n;
      const copies = b.op('Expand', [b.reshape(x, [n, h, 1, w, 1, c]), b.ints([n, h, sh, w, sw, c])]);
      return {
        y: b.reshape(copies, [n, h * sh, w * sw, c]),
        backward: (bb, dy, needDx) => (needDx ? bb.op('ReduceSum', [bb.reshape(dy, [n, h, sh, w, sw, c]), bb.ints([2, 4])], { keepdims: 0 }) : undefined),
      };
    },
  };
};
