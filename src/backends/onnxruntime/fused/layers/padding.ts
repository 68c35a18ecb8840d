/**
 * ZeroPadding2D and Cropping2D (channels last) in the fused graph, each the other's backward; with
 * margins [[t, b], [l, r]] on x [n, h, w, c] (as TF.js's pad and slice, and their gradients):
 *
 *   ZeroPadding2D   y = x with t rows of zeros above, b below, l columns left, r right   (Pad)
 *                   dx = dy[:, t : t + h, l : l + w]                                     (Slice)
 *   Cropping2D      y = x[:, t : h − b, l : w − r]                                       (Slice)
 *                   dx = dy with zeros in the cropped rows and columns                  (Pad)
 *
 * e.g. ZeroPadding2D({padding: 1}) on 28×28 gives 30×30; Cropping2D({cropping: [[1, 0], [2, 2]]}) on 30×30 gives 29×26.
 */
import type { GraphBuilder } from '../../onnx/builder.ts';
import { configOf, type LayerPlanner } from './layer.ts';

/** Margins [[t, b], [l, r]], as TF.js's config holds them. */
type Margins = readonly [readonly [number, number], readonly [number, number]];

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The layer's margins under `key` and its input's [h, w, c], or why the layer is not expressed. */
function marginsOf(layer: Parameters<LayerPlanner>[0], inShape: readonly number[], key: string): { m: Margins; h: number; w: number; c: number } | string {
  const config = configOf(layer);
  const kind = layer.getClassName();
  if (config['dataFormat'] !== 'channelsLast')
    return `${layer.name}: ${kind} with data format ${String(config['dataFormat'])} (the fused graph takes channelsLast)`;
  if (inShape.length !== 3) return `${layer.name}: ${kind} on inputs of rank ${inShape.length + 1}`;
  const m = config[key];
  const pairOk = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every(isCount);
  if (!Array.isArray(m) || m.length !== 2 || !m.every(pairOk)) return `${layer.name}: ${kind} with ${key} ${JSON.stringify(m)}`;
  const [h, w, c] = inShape as [number, number, number];
  return { m: m as unknown as Margins, h, w, c };
}

/** x with the margins' zeros added, [n, h, w, c] ─► [n, h + t + b, w + l + r, c]. */
const padded = (b: GraphBuilder, x: string, [[t, bo], [l, r]]: Margins): string => b.pad(x, [0, t, l, 0], [0, bo, r, 0]);

/** The h × w window of x at (t, l) along its axes 1 and 2 (x itself when the margins are all 0). */
const windowOf = (b: GraphBuilder, x: string, m: Margins, h: number, w: number): string => {
  const [[t, bo], [l, r]] = m;
  return t + bo + l + r === 0 ? x : b.slice(x, [t, l], [t + h, l + w], [1, 2]);
};

/** The planner of ZeroPadding2D (see the file's comment). */
export const planZeroPadding2D: LayerPlanner = (layer, inShape) => {
  const p = marginsOf(layer, inShape, 'padding');
  if (typeof p === 'string') return p;
  const { m, h, w, c } = p;
  return {
    outShape: [h + m[0][0] + m[0][1], w + m[1][0] + m[1][1], c],
    weights: [],
    forward: (b, x) => ({
      y: padded(b, x, m),
      backward: (bb, dy, needDx) => (needDx ? windowOf(bb, dy, m, h, w) : undefined),
    }),
  };
};

/** The planner of Cropping2D (see the file's comment). */
export const planCropping2D: LayerPlanner = (layer, inShape) => {
  const p = marginsOf(layer, inShape, 'cropping');
  if (typeof p === 'string') return p;
  const { m, h, w, c } = p;
  const [oh, ow] = [h - m[0][0] - m[0][1], w - m[1][0] - m[1][1]];
  if (oh <= 0 || ow <= 0) return `${layer.name}: Cropping2D of ${JSON.stringify(m)} leaves nothing of [${h}, ${w}]`;
  return {
    outShape: [oh, ow, c],
    weights: [],
    forward: (b, x) => ({
      y: windowOf(b, x, m, oh, ow),
      backward: (bb, dy, needDx) => (needDx ? padded(bb, dy, m) : undefined),
    }),
  };
};
