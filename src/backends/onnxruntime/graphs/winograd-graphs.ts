/**
 * ONNX graphs of 3×3, stride-1, undilated convolutions by Winograd's F(m, 3) (winograd-matrices.ts):
 * fewer multiply-adds (4/9 with m = 2, 1/4 with m = 4), as batched matrix products and small
 * transforms, all NHWC, in chunks of the batch so each chunk's tiles stay in cache.
 *
 *   correlation (the forward, and the input gradient: dy with the filter turned 180°)
 *     w ─► (G ⊗ G) · w            U [a², ci, co]   (turned: [3, 3, co, ci] first, taps reversed)
 *     x ─► viewed as rows of channel vectors [n·h·w, ci] (and a row of zeros where padding reads)
 *       per chunk: one Gather of every tile's a² taps   D [a², T, ci]   (an index constant per chunk)
 *       ─► (Bᵀ ⊗ Bᵀ) · D ─► V [a², T, ci] ─► V · U ─► M [a², T, co] ─► (Aᵀ ⊗ Aᵀ) · M [m², T, co]
 *       (each Kronecker product applied one axis at a time: two thin matrix products)
 *       ─► (+ bias, activation) ─► one Gather of each output pixel's row [chunk·oh·ow, co]
 *          (tiles back in NHWC order, the part past oh × ow left out) ─► Concat chunks ─► y
 *   filter gradient, F(3, m): dy's m×m tiles are the "filters", x's a×a tiles the inputs
 *     x ─► tiles (Gather) ─► (Bᵀ ⊗ Bᵀ) · D ─► V [a², T, ci]
 *     dy ─► (a zero row for whole tiles) ─► tiles (Gather) ─► (A ⊗ A) · ─► Dy [a², T, co]
 *     Σ over chunks of Vᵀ · Dy [a², ci, co] (long K = T; FusedMatMul reads V transposed)
 *       ─► (Gᵀ ⊗ Gᵀ) · ─► dw [3, 3, ci, co]
 *
 * T is the number of m×m output tiles in a chunk, a = m + 2. A Gather copies whole channel vectors
 * by index: measured on the reference model's conv2d_2 (batch 128, one thread) ~10–30 % less CPU
 * time than a² strided Slices and a Concat per chunk, and a third of the nodes (a fused training
 * graph loads in a fraction of the time).
 */

import { GraphBuilder } from '../onnx/builder.ts';
import type { GraphSpec } from '../onnx/model.ts';
import { activationGraph } from './activation.ts';
import type { ConvGeometry } from './conv-geometry.ts';
import { kron, type Matrix, reverseColumns, transpose, winogradTransforms } from './winograd-matrices.ts';

/** How a Winograd graph is cut: outputs per tile and samples per chunk. */
export interface WinogradPlan {
  readonly m: 2 | 4;
  readonly chunk: number;
}

/** Whether `g` is a convolution these graphs compute: 3×3, stride 1, undilated, pads of at most 2. */
export function winogradApplies(g: ConvGeometry): boolean {
  return g.kh === 3 && g.kw === 3 && g.strides.every((s) => s === 1) && g.dilations.every((d) => d === 1) && g.pads.every((p) => p <= 2);
}

/** A padded 3×3 correlation of NHWC data [n, h, w, c] to [n, oh, ow, co], by a TF.js filter. */
interface Correlation {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly co: number;
  /** [top, left, bottom, right]: oh = h + top + bottom − 2. */
  readonly pads: readonly [number, number, number, number];
  /** The filter turned 180° with its channels swapped: the input gradient of a forward conv. */
  readonly turned: boolean;
  /** x comes as [n·h + 1, w, c]: a row of zeros after the batch (tapRows). */
  readonly tail: boolean;
}

const matrix = (b: GraphBuilder, M: Matrix): string => b.floats([M.length, M[0]!.length], Float32Array.from(M.flat()));

/**
 * (M ⊗ M) · X for X = [k, k, rest] (k = columns of the matrix constant M), applied one axis at a
 * time: two thin products of k multiply-adds per output instead of k² (M has r rows).
 */
function kron2(b: GraphBuilder, M: string, r: number, k: number, x: string, rest: number): string {
  const first = b.reshape(b.op('MatMul', [M, b.reshape(x, [k, k * rest])]), [r, k, rest]);
  return b.reshape(b.op('MatMul', [M, first]), [r * r, rest]);
}

/** Chunks [start, end) of n samples, `chunk` at a time. */
function chunksOf(n: number, chunk: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += chunk) out.push([s, Math.min(n, s + chunk)]);
  return out;
}

/** The tiles' grid: th × tw tiles of size×size at stride m over a grid of rows × cols positions. */
interface Grid {
  readonly rows: number;
  readonly cols: number;
  readonly th: number;
  readonly tw: number;
  readonly size: number;
  readonly m: number;
  /**
   * When the grid is the data zero-padded: the data's own h × w positions start at (top, left) of
   * the grid, and a position outside them reads the row `zero` (a row of zeros after the data's).
   */
  readonly padded?: { readonly h: number; readonly w: number; readonly top: number; readonly left: number; readonly zero: number };
}

/** The row of grid position (y, x) of sample k: in the [n·rows·cols, c] view, or in the unpadded data's (its zero row outside). */
function rowOf(g: Grid, k: number, y: number, x: number): number {
  const p = g.padded;
  if (!p) return (k * g.rows + y) * g.cols + x;
  const [dy, dx] = [y - p.top, x - p.left];
  return dy < 0 || dx < 0 || dy >= p.h || dx >= p.w ? p.zero : (k * p.h + dy) * p.w + dx;
}

/**
 * NHWC data `x` of `shape` as rows of channel vectors to gather tiles' taps from, on `grid`
 * (positions rows × cols, the data at (top, left) of it): the data's rows as they are when the
 * grid is the data, else with one row of zeros after them where the taps outside the data read.
 * The zero row costs one block copy of the data: measured on conv2d_2's input gradient (64
 * samples, one thread) ~1 ms, against 5.8 ms for zero-padding the data to the grid (Pad); none
 * when x comes with zeros after the batch (`tail`: [n·h + 1, w, c]).
 */
function tapRows(
  b: GraphBuilder,
  x: string,
  shape: readonly [number, number, number, number],
  [top, left]: readonly [number, number],
  grid: Grid,
  tail = false,
): { rows: string; grid: Grid } {
  const [n, h, w, c] = shape;
  const flat = b.reshape(x, [(tail ? n * h + 1 : n * h) * w, c]);
  if (grid.rows === h && grid.cols === w && top === 0 && left === 0) return { rows: flat, grid };
  const rows = tail ? flat : b.concat([flat, b.floats([1, c], new Float32Array(c))], 0);
  return { rows, grid: { ...grid, padded: { h, w, top, left, zero: n * h * w } } };
}

/** A graph input of NHWC `shape`, or [n·h + 1, w, c] with a tail. */
const dataInput = (name: string, [n, h, w, c]: readonly [number, number, number, number], tail: boolean) => ({
  name,
  shape: tail ? [n * h + 1, w, c] : [n, h, w, c],
});

/**
 * Row indices into a [n·rows·cols, c] view of samples [s, e) giving each tile's size² taps:
 * [size², T], tap (i, j) of tile (sample, r, q) at (sample, r·m + i, q·m + j), tiles in
 * (sample, r, q) order.
 */
function tapIndex(b: GraphBuilder, [s, e]: readonly [number, number], g: Grid): string {
  const T = (e - s) * g.th * g.tw;
  const idx = new Int32Array(g.size * g.size * T);
  for (let i = 0; i < g.size; i++) {
    for (let j = 0; j < g.size; j++) {
      let p = (i * g.size + j) * T;
      for (let k = s; k < e; k++) {
        for (let r = 0; r < g.th; r++) {
          for (let q = 0; q < g.tw; q++) idx[p++] = rowOf(g, k, r * g.m + i, q * g.m + j);
        }
      }
    }
  }
  return b.int32s(idx);
}

/** Row indices into [m², T, ·] (T tiles of nb samples) of each output pixel of [nb, oh, ow], row-major. */
function pixelIndex(b: GraphBuilder, nb: number, oh: number, ow: number, th: number, tw: number, m: number): string {
  const T = nb * th * tw;
  const idx = new Int32Array(nb * oh * ow);
  let p = 0;
  for (let s = 0; s < nb; s++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) idx[p++] = ((y % m) * m + (x % m)) * T + (s * th + Math.floor(y / m)) * tw + Math.floor(x / m);
    }
  }
  return b.int32s(idx);
}

/** The correlation graph; `bias` and `activation` apply to the output (the fused forward). */
function correlationGraph(k: Correlation, plan: WinogradPlan, bias: boolean, activation?: string, leakyreluAlpha?: number): GraphSpec | undefined {
  if (!activationGraph(activation, 'in', 'out', leakyreluAlpha)) return undefined;
  const F = winogradTransforms(plan.m);
  const m = plan.m;
  const a = m + 2;
  const [th, tw] = [Math.ceil(k.oh / m), Math.ceil(k.ow / m)];
  const [hp, wp] = [th * m + 2, tw * m + 2];
  const b = new GraphBuilder('t');
  const [GG, BT, AT] = [matrix(b, k.turned ? reverseColumns(kron(F.G, F.G)) : kron(F.G, F.G)), matrix(b, F.BT), matrix(b, F.AT)];
  const taps = k.turned ? b.transpose('w', [0, 1, 3, 2]) : 'w';
  const U = b.reshape(b.op('MatMul', [GG, b.reshape(taps, [9, k.c * k.co])]), [a * a, k.c, k.co]);
  const [top, left] = k.pads;
  const { rows, grid } = tapRows(b, 'x', [k.n, k.h, k.w, k.c], [top, left], { rows: hp, cols: wp, th, tw, size: a, m }, k.tail);
  const pixels = new Map<number, string>();
  const outs = chunksOf(k.n, plan.chunk).map((chunk) => {
    const nb = chunk[1] - chunk[0];
    const t = nb * th * tw;
    const D = b.op('Gather', [rows, tapIndex(b, chunk, grid)], { axis: 0 });
    const V = b.reshape(kron2(b, BT, a, a, D, t * k.c), [a * a, t, k.c]);
    let Y = b.reshape(kron2(b, AT, m, a, b.op('MatMul', [V, U]), t * k.co), [m * m * t, k.co]);
    if (bias) Y = b.op('Add', [Y, 'b']);
    if ((activation ?? 'linear') !== 'linear') Y = activate(b, Y, activation!, leakyreluAlpha);
    if (!pixels.has(nb)) pixels.set(nb, pixelIndex(b, nb, k.oh, k.ow, th, tw, m));
    return b.op('Gather', [Y, pixels.get(nb)!], { axis: 0 });
  });
  b.op('Reshape', [b.concat(outs, 0), b.ints([k.n, k.oh, k.ow, k.co])], undefined, 'y');
  return b.graph(
    [
      dataInput('x', [k.n, k.h, k.w, k.c], k.tail),
      { name: 'w', shape: [3, 3, k.turned ? k.co : k.c, k.turned ? k.c : k.co] },
      ...(bias ? [{ name: 'b', shape: [k.co] }] : []),
    ],
    [{ name: 'y', shape: [k.n, k.oh, k.ow, k.co] }],
  );
}

/** `activation` of x (its constants added under fresh names). */
function activate(b: GraphBuilder, x: string, activation: string, leakyreluAlpha?: number): string {
  const act = activationGraph(activation, 'in', 'out', leakyreluAlpha)!;
  return b.inline({ inputs: [{ name: 'in', shape: [] }], outputs: [{ name: 'out', shape: [] }], nodes: act.nodes, constants: act.constants }, { in: x })[0]!;
}

/** y = activation(conv(x, w) + bias), NHWC, for a conv where `winogradApplies`. */
export function winogradForwardGraph(
  g: ConvGeometry,
  plan: WinogradPlan,
  hasBias: boolean,
  activation?: string,
  leakyreluAlpha?: number,
): GraphSpec | undefined {
  const k: Correlation = { n: g.n, h: g.inH, w: g.inW, c: g.inC, oh: g.outH, ow: g.outW, co: g.outC, pads: g.pads, turned: false, tail: false };
  return correlationGraph(k, plan, hasBias, activation, leakyreluAlpha);
}

/** dx of the conv from dy and w (inputs named x and w: dy is the data here; with `tail`, [n·outH + 1, outW, outC]), for a conv where `winogradApplies`. */
export function winogradInputGradGraph(g: ConvGeometry, tail = false): (plan: WinogradPlan) => GraphSpec {
  const [top, left, bottom, right] = g.pads;
  const k: Correlation = {
    n: g.n,
    h: g.outH,
    w: g.outW,
    c: g.outC,
    oh: g.inH,
    ow: g.inW,
    co: g.inC,
    pads: [2 - top, 2 - left, 2 - bottom, 2 - right],
    turned: true,
    tail,
  };
  return (plan) => correlationGraph(k, plan, false) as GraphSpec;
}

/** dw [3, 3, ci, co] of the conv from x and dy (with `tail`, [n·outH + 1, outW, outC]), for a conv where `winogradApplies`. */
export function winogradFilterGradGraph(g: ConvGeometry, plan: WinogradPlan, tail = false): GraphSpec {
  const F = winogradTransforms(plan.m);
  const m = plan.m;
  const a = m + 2;
  const [th, tw] = [Math.ceil(g.outH / m), Math.ceil(g.outW / m)];
  const [hp, wp] = [th * m + 2, tw * m + 2];
  const b = new GraphBuilder('t');
  const [BT, A, GG] = [matrix(b, F.BT), matrix(b, transpose(F.AT)), matrix(b, kron(transpose(F.G), transpose(F.G)))];
  const [top, left] = g.pads;
  const xs = tapRows(b, 'x', [g.n, g.inH, g.inW, g.inC], [top, left], { rows: hp, cols: wp, th, tw, size: a, m });
  const dys = tapRows(b, 'dy', [g.n, g.outH, g.outW, g.outC], [0, 0], { rows: th * m, cols: tw * m, th, tw, size: m, m }, tail);
  const parts = chunksOf(g.n, plan.chunk).map((chunk) => {
    const t = (chunk[1] - chunk[0]) * th * tw;
    const D = b.op('Gather', [xs.rows, tapIndex(b, chunk, xs.grid)], { axis: 0 });
    const V = b.reshape(kron2(b, BT, a, a, D, t * g.inC), [a * a, t, g.inC]);
    const E = b.op('Gather', [dys.rows, tapIndex(b, chunk, dys.grid)], { axis: 0 });
    const Dy = b.reshape(kron2(b, A, a, m, E, t * g.outC), [a * a, t, g.outC]);
    return b.op('FusedMatMul', [V, Dy], { transA: 1, alpha: { f: 1 } }, undefined, 'com.microsoft');
  });
  const sum = parts.length === 1 ? parts[0]! : b.op('Sum', parts);
  const dw = b.op('MatMul', [GG, b.reshape(sum, [a * a, g.inC * g.outC])]);
  b.op('Reshape', [dw, b.ints([3, 3, g.inC, g.outC])], undefined, 'dw');
  return b.graph(
    [{ name: 'x', shape: [g.n, g.inH, g.inW, g.inC] }, dataInput('dy', [g.n, g.outH, g.outW, g.outC], tail)],
    [{ name: 'dw', shape: [3, 3, g.inC, g.outC] }],
  );
}
