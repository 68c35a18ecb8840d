/**
 * ONNX graphs of 3×3, stride-1, undilated convolutions by Winograd's F(m, 3) (winograd-matrices.ts):
 * fewer multiply-adds (4/9 with m = 2, 1/4 with m = 4), as batched matrix products and small
 * transforms, all NHWC, in chunks of the batch so each chunk's tiles stay in cache.
 *
 *   correlation (the forward, and the input gradient: dy with the filter turned 180°)
 *     w ─► (G ⊗ G) · w            U [a², ci, co]   (turned: [3, 3, co, ci] first, taps reversed)
 *     x ─► chunk, zero-padded (one Pad, its batch cropped by negative pads) ─► a² strided Slices
 *       (tile offsets; NHWC keeps channels contiguous) ─► Concat   D [a², T·ci]
 *       ─► (Bᵀ ⊗ Bᵀ) · D ─► V [a², T, ci] ─► V · U ─► M [a², T, co] ─► (Aᵀ ⊗ Aᵀ) · M [m², T·co]
 *       (each Kronecker product applied one axis at a time: two thin matrix products)
 *       ─► (+ bias, activation) ─► Transpose to [n, th, m, tw, m, co] ─► Concat chunks ─► Slice ─► y
 *   filter gradient, F(3, m): dy's m×m tiles are the "filters", x's a×a tiles the inputs
 *     x ─► chunk, padded ─► tiles ─► (Bᵀ ⊗ Bᵀ) · D ─► V [a², T, ci]
 *     dy ─► chunk, padded ─► m² strided Slices ─► (A ⊗ A) · ─► Dy [a², T, co]
 *     Σ over chunks of Vᵀ · Dy [a², ci, co] (long K = T; FusedMatMul reads V transposed)
 *       ─► (Gᵀ ⊗ Gᵀ) · ─► dw [3, 3, ci, co]
 *
 * T is the number of m×m output tiles in a chunk, a = m + 2. Strided Slices along NHWC's spatial
 * axes copy runs of whole channel vectors; along the innermost axis they would copy element by
 * element (measured 4× slower), hence no NCHW layout anywhere.
 */
import { activationGraph } from './activation.ts';
import type { ConvGeometry } from './conv-geometry.ts';
import { int64s, type ConstantSpec, type GraphSpec, type NodeSpec } from './onnx-model.ts';
import { kron, reverseColumns, transpose, winogradTransforms, type Matrix } from './winograd-matrices.ts';

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
}

const matrix = (name: string, M: Matrix): ConstantSpec => ({ name, dims: [M.length, M[0]!.length], values: Float32Array.from(M.flat()) });

/** Graph-building state: nodes and constants, with fresh names. */
class Builder {
  readonly nodes: NodeSpec[] = [];
  readonly constants: ConstantSpec[] = [];
  private count = 0;

  /** A node with one output, named afresh unless `out` is given. */
  op(op: string, inputs: readonly string[], attrs?: NodeSpec['attrs'], out?: string, domain?: string): string {
    const name = out ?? `t${this.count++}`;
    this.nodes.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}), ...(domain ? { domain } : {}) });
    return name;
  }

  /** An int64 constant. */
  ints(values: readonly number[]): string {
    const name = `c${this.count++}`;
    this.constants.push(int64s(name, values));
    return name;
  }

  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }

  /** x[begin:end] along `axes` (with `steps`). */
  slice(x: string, begin: readonly number[], end: readonly number[], axes: readonly number[], steps?: readonly number[]): string {
    return this.op('Slice', [x, this.ints(begin), this.ints(end), this.ints(axes), ...(steps ? [this.ints(steps)] : [])]);
  }

  /** x zero-padded at the end of each axis by `after` and at its start by `before`. */
  pad(x: string, before: readonly number[], after: readonly number[]): string {
    return [...before, ...after].every((p) => p === 0) ? x : this.op('Pad', [x, this.ints([...before, ...after])]);
  }

  /**
   * (M ⊗ M) · X for X = [k, k, rest] (k = columns of the matrix constant `name`), applied one
   * axis at a time: two thin products of k multiply-adds per output instead of k² (M has r rows).
   */
  kron2(name: string, r: number, k: number, x: string, rest: number): string {
    const first = this.reshape(this.op('MatMul', [name, this.reshape(x, [k, k * rest])]), [r, k, rest]);
    return this.reshape(this.op('MatMul', [name, first]), [r * r, rest]);
  }

  /** `activation` of x (its constants added once). */
  activation(x: string, activation: string, leakyreluAlpha?: number): string {
    const out = `t${this.count++}`;
    const act = activationGraph(activation, x, out, leakyreluAlpha)!;
    this.nodes.push(...act.nodes);
    for (const c of act.constants) if (!this.constants.some((k) => k.name === c.name)) this.constants.push(c);
    return out;
  }

  concat(parts: readonly string[], axis: number): string {
    return parts.length === 1 ? parts[0]! : this.op('Concat', parts, { axis });
  }

  /**
   * The size² tiles of x5 = [1, n, h, w, c] for samples [s, e): tile offsets (i, j) in row-major
   * order, each `count` tiles at stride m, concatenated to [size², e − s, th, tw, c].
   */
  tiles(x5: string, [s, e]: readonly [number, number], size: number, m: number, count: [number, number]): string {
    const parts: string[] = [];
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) parts.push(this.slice(x5, [s, i, j], [e, i + m * (count[0] - 1) + 1, j + m * (count[1] - 1) + 1], [1, 2, 3], [1, m, m]));
    }
    return this.concat(parts, 0);
  }

  /**
   * Samples [s, e) of NHWC `x` (n samples) zero-padded to [h, w], `top` and `left` before, as
   * [1, e − s, h, w, c] with the range to take from it: one Pad, whose negative batch pads crop.
   */
  paddedChunk(x: string, n: number, [s, e]: readonly [number, number], before: readonly [number, number], after: readonly [number, number], shape: readonly [number, number, number]): { x5: string; range: [number, number] } {
    const [h, w, c] = shape;
    if ([...before, ...after].every((p) => p === 0)) return { x5: this.reshape(x, [1, n, h, w, c]), range: [s, e] };
    const xp = this.pad(x, [-s, before[0], before[1], 0], [e - n, after[0], after[1], 0]);
    return { x5: this.reshape(xp, [1, e - s, h, w, c]), range: [0, e - s] };
  }
}

/** Chunks [start, end) of n samples, `chunk` at a time. */
function chunksOf(n: number, chunk: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += chunk) out.push([s, Math.min(n, s + chunk)]);
  return out;
}

/** The correlation graph; `bias` and `activation` apply to the output (the fused forward). */
function correlationGraph(k: Correlation, plan: WinogradPlan, bias: boolean, activation?: string, leakyreluAlpha?: number): GraphSpec | undefined {
  const F = winogradTransforms(plan.m);
  const m = plan.m;
  const a = m + 2;
  const [th, tw] = [Math.ceil(k.oh / m), Math.ceil(k.ow / m)];
  const b = new Builder();
  if (!activationGraph(activation, 'in', 'out', leakyreluAlpha)) return undefined;
  b.constants.push(matrix('GG', k.turned ? reverseColumns(kron(F.G, F.G)) : kron(F.G, F.G)), matrix('BT', F.BT), matrix('AT', F.AT));
  const taps = k.turned ? b.op('Transpose', ['w'], { perm: [0, 1, 3, 2] }) : 'w';
  const U = b.reshape(b.op('MatMul', ['GG', b.reshape(taps, [9, k.c * k.co])]), [a * a, k.c, k.co]);
  const [top, left] = k.pads;
  const [hp, wp] = [th * m + 2, tw * m + 2];
  const outs = chunksOf(k.n, plan.chunk).map((chunk) => {
    const nb = chunk[1] - chunk[0];
    const t = nb * th * tw;
    const { x5, range } = b.paddedChunk('x', k.n, chunk, [top, left], [hp - k.h - top, wp - k.w - left], [hp, wp, k.c]);
    const V = b.reshape(b.kron2('BT', a, a, b.tiles(x5, range, a, m, [th, tw]), t * k.c), [a * a, t, k.c]);
    const M = b.op('MatMul', [V, U]);
    let Y = b.reshape(b.kron2('AT', m, a, M, t * k.co), [m, m, nb, th, tw, k.co]);
    if (bias) Y = b.op('Add', [Y, 'b']);
    if ((activation ?? 'linear') !== 'linear') Y = b.activation(Y, activation!, leakyreluAlpha);
    return b.reshape(b.op('Transpose', [Y], { perm: [2, 3, 0, 4, 1, 5] }), [nb, th * m, tw * m, k.co]);
  });
  const whole = b.concat(outs, 0);
  const exact = th * m === k.oh && tw * m === k.ow;
  b.op(exact ? 'Identity' : 'Slice', exact ? [whole] : [whole, b.ints([0, 0]), b.ints([k.oh, k.ow]), b.ints([1, 2])], undefined, 'y');
  return {
    inputs: [{ name: 'x', shape: [k.n, k.h, k.w, k.c] }, { name: 'w', shape: [3, 3, k.turned ? k.co : k.c, k.turned ? k.c : k.co] }, ...(bias ? [{ name: 'b', shape: [k.co] }] : [])],
    outputs: [{ name: 'y', shape: [k.n, k.oh, k.ow, k.co] }],
    nodes: b.nodes,
    constants: b.constants,
  };
}

/** y = activation(conv(x, w) + bias), NHWC, for a conv where `winogradApplies`. */
export function winogradForwardGraph(g: ConvGeometry, plan: WinogradPlan, hasBias: boolean, activation?: string, leakyreluAlpha?: number): GraphSpec | undefined {
  const k: Correlation = { n: g.n, h: g.inH, w: g.inW, c: g.inC, oh: g.outH, ow: g.outW, co: g.outC, pads: g.pads, turned: false };
  return correlationGraph(k, plan, hasBias, activation, leakyreluAlpha);
}

/** dx of the conv from dy and w (inputs named x and w: dy is the data here), for a conv where `winogradApplies`. */
export function winogradInputGradGraph(g: ConvGeometry): (plan: WinogradPlan) => GraphSpec {
  const [top, left, bottom, right] = g.pads;
  const k: Correlation = { n: g.n, h: g.outH, w: g.outW, c: g.outC, oh: g.inH, ow: g.inW, co: g.inC, pads: [2 - top, 2 - left, 2 - bottom, 2 - right], turned: true };
  return (plan) => correlationGraph(k, plan, false) as GraphSpec;
}

/** dw [3, 3, ci, co] of the conv from x and dy, for a conv where `winogradApplies`. */
export function winogradFilterGradGraph(g: ConvGeometry, plan: WinogradPlan): GraphSpec {
  const F = winogradTransforms(plan.m);
  const m = plan.m;
  const a = m + 2;
  const [th, tw] = [Math.ceil(g.outH / m), Math.ceil(g.outW / m)];
  const [hp, wp] = [th * m + 2, tw * m + 2];
  const b = new Builder();
  b.constants.push(matrix('BT', F.BT), matrix('A', transpose(F.AT)), matrix('GG', kron(transpose(F.G), transpose(F.G))));
  const [top, left] = g.pads;
  const parts = chunksOf(g.n, plan.chunk).map((chunk) => {
    const t = (chunk[1] - chunk[0]) * th * tw;
    const xc = b.paddedChunk('x', g.n, chunk, [top, left], [hp - g.inH - top, wp - g.inW - left], [hp, wp, g.inC]);
    const V = b.reshape(b.kron2('BT', a, a, b.tiles(xc.x5, xc.range, a, m, [th, tw]), t * g.inC), [a * a, t, g.inC]);
    const dc = b.paddedChunk('dy', g.n, chunk, [0, 0], [th * m - g.outH, tw * m - g.outW], [th * m, tw * m, g.outC]);
    const Dy = b.reshape(b.kron2('A', a, m, b.tiles(dc.x5, dc.range, m, m, [th, tw]), t * g.outC), [a * a, t, g.outC]);
    return b.op('FusedMatMul', [V, Dy], { transA: 1, alpha: { f: 1 } }, undefined, 'com.microsoft');
  });
  const sum = parts.length === 1 ? parts[0]! : b.op('Sum', parts);
  const dw = b.op('MatMul', ['GG', b.reshape(sum, [a * a, g.inC * g.outC])]);
  b.op('Reshape', [dw, b.ints([3, 3, g.inC, g.outC])], undefined, 'dw');
  return {
    inputs: [{ name: 'x', shape: [g.n, g.inH, g.inW, g.inC] }, { name: 'dy', shape: [g.n, g.outH, g.outW, g.outC] }],
    outputs: [{ name: 'dw', shape: [3, 3, g.inC, g.outC] }],
    nodes: b.nodes,
    constants: b.constants,
  };
}
