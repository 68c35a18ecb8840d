/**
 * MaxPooling2D and AveragePooling2D with non-overlapping windows (pool size = strides, channels
 * last, windows inside the input) in the fused graph; window position (i, j) of x [n, h, w, c] is
 * a strided Slice [n, oh, ow, c] (whole channel vectors copied):
 *
 *   max   forward  y = MaxPool of x viewed as [n, 1, h, w, c] (window 1 along c; no transpose)
 *         backward each window's gradient goes to its FIRST maximum in row-major order, as TF.js:
 *                  index = the first (i, j) with x(i,j) = y (Equal/Where from the last position
 *                  back, on tensors the size of y) ─► dx = MaxUnpool(dy, index) (zeros elsewhere,
 *                  rows/columns past the last window included: floor sizing); for a Winograd conv
 *                  above it, with a row of zeros after the batch (layer.ts `takesTail`). MaxPool's
 *                  own Indices output would give the same first maxima, but ONNX Runtime computes
 *                  it on a slow path: 13.5 against 1.4 ms for 64 samples of 24×24×64, one thread
 *   avg   forward  y = mean of the window positions
 *         backward dx(i,j) = dy / (kh·kw), spread by Expand ─► zero rows/columns past the last window
 */
import type { GraphBuilder } from '../../onnx/builder.ts';
import { reluMask } from './activation.ts';
import { type Backward, configOf, type LayerPlanner, pair } from './layer.ts';

/** ONNX's data type number of int64. */
const INT64 = 7;

interface Tiling {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
}

/** Window position (i, j) of x: every window's element there, [n, oh, ow, c] (a strided Slice). */
function position(b: GraphBuilder, x: string, t: Tiling, i: number, j: number): string {
  return b.slice(x, [i, j], [i + (t.oh - 1) * t.kh + 1, j + (t.ow - 1) * t.kw + 1], [1, 2], [t.kh, t.kw]);
}

/**
 * Each window's first maximum (row-major, as TF.js) as a flat index into x [n, h, w, c]: the
 * positions compared with y from the last back, so the earliest equal one is taken; the last
 * position needs no comparison (no earlier one equal: it holds the maximum).
 */
function firstMaxima(b: GraphBuilder, x: string, y: string, t: Tiling, n: number): string {
  // The chain on float offsets (exact below 2²⁴): measured faster than on int64s.
  const offset = (i: number, j: number) => b.scalar((i * t.w + j) * t.c);
  let off = offset(t.kh - 1, t.kw - 1);
  for (let k = t.kh * t.kw - 2; k >= 0; k--) {
    const [i, j] = [Math.floor(k / t.kw), k % t.kw];
    off = b.op('Where', [b.op('Equal', [position(b, x, t, i, j), y]), offset(i, j), off]);
  }
  // The window's first position: sample s·h·w·c + row r·kh·w·c + column q·kw·c + channel.
  const range = (count: number, step: number, shape: readonly number[]) => b.reshape(b.ints(Array.from({ length: count }, (_, i) => i * step)), shape);
  const within = b.op('Add', [b.op('Add', [range(t.oh, t.kh * t.w * t.c, [t.oh, 1, 1]), range(t.ow, t.kw * t.c, [t.ow, 1])]), range(t.c, 1, [t.c])]);
  return b.op('Add', [b.op('Add', [b.op('Cast', [off], { to: INT64 }), within]), range(n, t.h * t.w * t.c, [n, 1, 1, 1])]);
}

function tiling(layer: Parameters<LayerPlanner>[0], inShape: readonly number[]): Tiling | string {
  const c = configOf(layer);
  const kind = layer.getClassName();
  if (c['dataFormat'] !== 'channelsLast') return `${layer.name}: ${kind} with data format ${String(c['dataFormat'])}`;
  if (inShape.length !== 3) return `${layer.name}: ${kind} on inputs of rank ${inShape.length + 1}`;
  const size = pair(c['poolSize']);
  const strides = pair(c['strides'] ?? c['poolSize']);
  if (!size || !strides || size[0] !== strides[0] || size[1] !== strides[1])
    return `${layer.name}: ${kind} with overlapping or spaced windows (pool size ≠ strides)`;
  const [h, w, ch] = inShape as [number, number, number];
  const [kh, kw] = size;
  // `same` padding needs none when the windows tile the input exactly.
  if (c['padding'] !== 'valid' && !(c['padding'] === 'same' && h % kh === 0 && w % kw === 0))
    return `${layer.name}: ${kind} with padding ${String(c['padding'])} that pads`;
  const [oh, ow] = [Math.floor(h / kh), Math.floor(w / kw)];
  if (oh === 0 || ow === 0) return `${layer.name}: ${kind} window larger than its input`;
  return { h, w, c: ch, kh, kw, oh, ow };
}

/** The planner of MaxPooling2D with non-overlapping windows (see the file's comment). */
export const planMaxPooling2D: LayerPlanner = (layer, inShape) => {
  const t = tiling(layer, inShape);
  if (typeof t === 'string') return t;
  return {
    outShape: [t.oh, t.ow, t.c],
    weights: [],
    forward(b, x, ctx) {
      const n = ctx.n;
      const x5 = b.reshape(x, [n, 1, t.h, t.w, t.c]);
      const y5 = b.op('MaxPool', [x5], { kernel_shape: [t.kh, t.kw, 1], strides: [t.kh, t.kw, 1] });
      const y = b.reshape(y5, [n, t.oh, t.ow, t.c]);
      const backward: Backward = (bb, dy, needDx, tail = false) => {
        if (!needDx) return undefined;
        // The indices are flat: with a tail, the batch is one tall image [n·h + 1, w] (the row after it never indexed).
        const view = tail ? [1, 1, n * t.oh, t.ow, t.c] : [n, 1, t.oh, t.ow, t.c];
        const out = tail ? [1, 1, n * t.h + 1, t.w, t.c] : [n, 1, t.h, t.w, t.c];
        const dx = bb.op('MaxUnpool', [bb.reshape(dy, view), bb.reshape(firstMaxima(bb, x, y, t, n), view), bb.ints(out)], {
          kernel_shape: [t.kh, t.kw, 1],
          strides: [t.kh, t.kw, 1],
        });
        return bb.reshape(dx, tail ? [n * t.h + 1, t.w, t.c] : [n, t.h, t.w, t.c]);
      };
      return {
        y,
        backward,
        // Over a relu's output (x ≥ 0): a window whose maximum is 0 passes nothing below its relu;
        // one whose maximum is > 0 passes dy to a position where x > 0. So gating dy by [y > 0]
        // here equals the relu's mask on dx, on a tensor kh·kw times smaller.
        gatingBackward: (bb, dy, needDx, tail) => backward(bb, bb.op('Mul', [dy, reluMask(bb, y)]), needDx, tail),
      };
    },
  };
};

/** The planner of AveragePooling2D with non-overlapping windows: y the mean of the window positions, dx = dy / (kh·kw) at each. */
export const planAveragePooling2D: LayerPlanner = (layer, inShape) => {
  const t = tiling(layer, inShape);
  if (typeof t === 'string') return t;
  const k = t.kh * t.kw;
  return {
    outShape: [t.oh, t.ow, t.c],
    weights: [],
    forward(b, x, ctx) {
      const n = ctx.n;
      const cropped = b.pad(x, [0, 0, 0, 0], [0, t.oh * t.kh - t.h, t.ow * t.kw - t.w, 0]);
      const y = b.op('ReduceMean', [b.reshape(cropped, [n, t.oh, t.kh, t.ow, t.kw, t.c])], { axes: [2, 4], keepdims: 0 });
      return {
        y,
        backward: (bb, dy, needDx) => {
          if (!needDx) return undefined;
          const share = bb.op('Mul', [dy, bb.scalar(1 / k)]);
          const spread = bb.op('Expand', [bb.reshape(share, [n, t.oh, 1, t.ow, 1, t.c]), bb.ints([n, t.oh, t.kh, t.ow, t.kw, t.c])]);
          return bb.pad(bb.reshape(spread, [n, t.oh * t.kh, t.ow * t.kw, t.c]), [0, 0, 0, 0], [0, t.h - t.oh * t.kh, t.w - t.ow * t.kw, 0]);
        },
      };
    },
  };
};
