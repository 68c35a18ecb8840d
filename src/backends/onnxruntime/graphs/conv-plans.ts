/**
 * Which graph computes each convolution kernel, per shape:
 *
 *   3×3, stride 1, undilated, at least MIN_WINOGRAD_CHANNELS in and out ─► Winograd (winograd-graphs.ts)
 *       F(4, 3) or F(2, 3): whichever needs fewer a×a tiles' products for the output size (the
 *       filter gradient: F(4, 3) only where its tiles cover dy whole, see filterGradGraph);
 *       chunks of the batch whose tiles fill about CHUNK_FLOATS: for the forward and the input
 *       gradient, one run of the session per chunk (on views of the batch: no Slice, no Concat);
 *       for the filter gradient, chunks inside one graph (their products add up)
 *   anything else ─► ONNX Runtime's Conv / ConvTranspose (conv-graphs.ts) and the im2col filter
 *       gradient (filter-grad-graph.ts), in pieces of at most MAX_PIECE samples
 *
 * Measured per kernel on the reference model (batch 64, one thread, CPU ms, direct → Winograd):
 * conv2d_2 forward 24.5 → 14.8, input gradient 21.6 → 16–19, filter gradient 21.0 → 18.2 (F(2, 3));
 * conv2d_3 13.1 → 7.6, 13.6 → 8.4, 12.2 → 9.0; the three layers' six kernels 111 → ~78 ms.
 * With one input channel (conv2d_1) the direct forms are faster (2 against 8 ms).
 */

import type { GraphSpec } from '../onnx/model.ts';
import type { Pieces } from '../runtime/run.ts';
import { type ConvGeometry, geometryKey } from './conv-geometry.ts';
import { convForwardGraph, convInputGradGraph } from './conv-graphs.ts';
import { convFilterGradGraph } from './filter-grad-graph.ts';
import { type WinogradPlan, winogradApplies, winogradFilterGradGraph, winogradForwardGraph, winogradInputGradGraph } from './winograd-graphs.ts';

/**
 * Samples per run of a direct forward or input-gradient graph: a whole shard of the reference
 * batch, while an evaluation chunk (1000 samples) runs in pieces, its working memory bounded.
 */
export const MAX_PIECE = 128;

/** Fewer channels than this in or out: the direct forms (Winograd's products would be too thin). */
const MIN_WINOGRAD_CHANNELS = 8;
/** Floats of transformed tiles per chunk (the larger of input and output side): about L2's size. */
const CHUNK_FLOATS = 384 * 1024;

/** The Winograd plan for a correlation of `c` → `co` channels with an oh × ow output, for n samples (m: the tile, else the cheaper). */
function planFor(n: number, oh: number, ow: number, c: number, co: number, only?: 2 | 4): WinogradPlan {
  const work = (m: number) => Math.ceil(oh / m) * Math.ceil(ow / m) * (m + 2) ** 2;
  const m = only ?? (work(4) <= work(2) ? 4 : 2);
  const perSample = work(m) * Math.max(c, co);
  return { m, chunk: Math.max(1, Math.min(n, Math.round(CHUNK_FLOATS / perSample))) };
}

function winograd(g: ConvGeometry): boolean {
  return winogradApplies(g) && g.inC >= MIN_WINOGRAD_CHANNELS && g.outC >= MIN_WINOGRAD_CHANNELS;
}

/** How a forward or input-gradient conv runs: samples per run, and the graph for a run of `g.n` samples. */
export interface ConvRun {
  readonly piece: number;
  readonly graph: (g: ConvGeometry) => GraphSpec | undefined;
}

/** y = activation(conv(x, w) + bias), NHWC; its graph is undefined for an activation ONNX lacks here. */
export function forwardRun(g: ConvGeometry, hasBias: boolean, activation?: string, leakyreluAlpha?: number): ConvRun {
  if (!winograd(g)) return { piece: MAX_PIECE, graph: (p) => convForwardGraph(p, hasBias, activation, leakyreluAlpha) };
  const { m, chunk } = planFor(g.n, g.outH, g.outW, g.inC, g.outC);
  return { piece: chunk, graph: (p) => winogradForwardGraph(p, { m, chunk: p.n }, hasBias, activation, leakyreluAlpha) };
}

/** `run` as pieces of `g`'s batch (axis 0 of the first of `inputs` inputs; the others whole), cached under `kernel`. */
export function convPieces(kernel: string, g: ConvGeometry, run: ConvRun, inputs: number): Pieces {
  return {
    samples: g.n,
    piece: run.piece,
    batched: Array.from({ length: inputs }, (_, i) => i === 0),
    graph: (n) => {
      const piece = { ...g, n };
      return { key: `${kernel}|${geometryKey(piece)}`, build: () => run.graph(piece) };
    },
  };
}

/** y = activation(conv(x, w) + bias) over the whole batch of `g.n` samples in one graph (Winograd's chunks inside it). */
export function forwardGraph(g: ConvGeometry, hasBias: boolean, activation?: string): GraphSpec | undefined {
  if (!winograd(g)) return convForwardGraph(g, hasBias, activation);
  const { m, chunk } = planFor(g.n, g.outH, g.outW, g.inC, g.outC);
  return winogradForwardGraph(g, { m, chunk }, hasBias, activation);
}

/**
 * Whether the conv's gradient graphs take dy with a row of zeros after the batch, [n·outH + 1,
 * outW, outC] (`tail`): the Winograd ones (the input gradient reads its padding there instead of
 * a copy of dy with a zero row appended).
 */
export function takesTail(g: ConvGeometry): boolean {
  return winograd(g);
}

/** dx of the conv from dy and w over the whole batch in one graph; its inputs are named x (dy) and w for Winograd, dy and w otherwise. */
export function inputGradGraph(g: ConvGeometry, tail = false): GraphSpec | undefined {
  if (!winograd(g)) {
    if (tail) throw new Error('internal: a direct input gradient takes no tail');
    return convInputGradGraph(g);
  }
  const { m, chunk } = planFor(g.n, g.inH, g.inW, g.outC, g.inC);
  return winogradInputGradGraph(g, tail)({ m, chunk });
}

/** The cache key part of a forward conv's options. */
export const forwardKernel = (hasBias: boolean, activation?: string, leakyreluAlpha?: number): string =>
  `Conv2D|${hasBias ? 'bias' : ''}|${activation ?? 'linear'}|${leakyreluAlpha ?? ''}`;

/** dx of the conv from dy and w; its graph is undefined when none gives dx's size. */
export function inputGradRun(g: ConvGeometry): ConvRun {
  if (!winograd(g)) return { piece: MAX_PIECE, graph: convInputGradGraph };
  const { m, chunk } = planFor(g.n, g.inH, g.inW, g.outC, g.inC);
  return { piece: chunk, graph: (p) => winogradInputGradGraph(p)({ m, chunk: p.n }) };
}

/**
 * dw of the conv from x and dy. Winograd's filter gradient sums products over the whole batch,
 * so rounding adds up: F(4, 3) only where its 4×4 tiles cover dy whole, F(2, 3) elsewhere.
 * There F(4, 3) has the forward's plan (the same m and chunks), so the x side, every chunk's
 * Gather and input transform, is the forward's own: ONNX Runtime's common-subexpression
 * elimination keeps one of each in a fused training graph. Measured on conv2d_2 (24×24 out, 64
 * samples, one thread): the filter gradient alone 15.4 → 10.8 ms, and the whole training graph
 * 80.9 → 71.7 ms (alternated). The largest error relative to the largest entry, against float64
 * sums: 1.2e-6 on ReLU activations (F(2, 3): 3e-7); on sines, whose products nearly cancel,
 * 3.4e-5 over 128 samples and 2.3e-4 over 256 (F(2, 3): 1.1e-5 and 7.7e-5), and 1.4e-6 over 512
 * samples of a 32×32 `same` conv. On conv2d_3 (10×10 out, part tiles) F(4, 3) gained nothing
 * (7.8 → 8.2 ms).
 */
export function filterGradGraph(g: ConvGeometry, tail = false): GraphSpec {
  if (!winograd(g)) {
    if (tail) throw new Error('internal: a direct filter gradient takes no tail');
    return convFilterGradGraph(g);
  }
  const wholeTiles = g.outH % 4 === 0 && g.outW % 4 === 0;
  return winogradFilterGradGraph(g, planFor(g.n, g.outH, g.outW, g.inC, g.outC, wholeTiles ? 4 : 2), tail);
}
