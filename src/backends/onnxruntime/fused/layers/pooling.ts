/**
 * MaxPooling2D and AveragePooling2D with non-overlapping windows (pool size = strides, channels
 * last, windows inside the input) in the fused graph. x [n, h, w, c] is cut into its kh·kw
 * window positions, each a strided Slice [n, oh, ow, c] (whole channel vectors copied):
 *
 *   max   forward  y = MaxPool of x viewed as [n, 1, h, w, c] (window 1 along c; no transpose)
 *         backward each window's gradient goes to its FIRST maximum in row-major order, as TF.js:
 *                  e(i,j) = [x(i,j) = y] and no earlier position took it  ─► dx(i,j) = e(i,j)·dy
 *   avg   forward  y = mean of the window positions
 *         backward dx(i,j) = dy / (kh·kw)
 *
 *   positions (i, j) ─► [n, oh, kh, ow, kw, c] ─► dx [n, oh·kh, ow·kw, c] ─► zero rows/columns past the
 *   last window (floor sizing)
 */
import type { GraphBuilder } from '../../onnx/builder.ts';
import { type Backward, configOf, type LayerPlanner, pair } from './layer.ts';

interface Tiling {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
}

/** The kh·kw window positions of x, row-major, each [n, oh, ow, c]. */
function positions(b: GraphBuilder, x: string, t: Tiling): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.kh; i++) {
    for (let j = 0; j < t.kw; j++) out.push(b.slice(x, [i, j], [i + (t.oh - 1) * t.kh + 1, j + (t.ow - 1) * t.kw + 1], [1, 2], [t.kh, t.kw]));
  }
  return out;
}

/** dx [n, h, w, c] from each window position's gradient [n, oh, ow, c] (row-major). */
function assemble(b: GraphBuilder, parts: readonly string[], t: Tiling, n: number): string {
  const rows: string[] = [];
  for (let i = 0; i < t.kh; i++) {
    const cols = parts.slice(i * t.kw, (i + 1) * t.kw).map((p) => b.reshape(p, [n, t.oh, 1, t.ow, 1, t.c]));
    rows.push(b.concat(cols, 4));
  }
  const whole = b.reshape(b.concat(rows, 2), [n, t.oh * t.kh, t.ow * t.kw, t.c]);
  return b.pad(whole, [0, 0, 0, 0], [0, t.h - t.oh * t.kh, t.w - t.ow * t.kw, 0]);
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
      const backward: Backward = (bb, dy, needDx) => {
        if (!needDx) return undefined;
        const zero = bb.scalar(0);
        let taken: string | undefined;
        const parts = positions(bb, x, t).map((p) => {
          const equal = bb.op('Equal', [p, y]);
          const first = taken === undefined ? equal : bb.op('And', [equal, bb.op('Not', [taken])]);
          taken = taken === undefined ? equal : bb.op('Or', [taken, equal]);
          return bb.op('Where', [first, dy, zero]);
        });
        return assemble(bb, parts, t, n);
      };
      return {
        y,
        backward,
        // Over a relu's output (x ≥ 0): a window whose maximum is 0 passes nothing below its relu;
        // one whose maximum is > 0 passes dy to a position where x > 0. So gating dy by sign(y)
        // here equals the relu's mask on dx, on a tensor kh·kw times smaller.
        gatingBackward: (bb, dy, needDx) => backward(bb, bb.op('Mul', [dy, bb.op('Sign', [y])]), needDx),
      };
    },
  };
};

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
