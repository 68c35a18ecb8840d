/**
 * The filter gradient of a stride-1 Conv2D on wasm as shifted matrix products, no im2col:
 *
 *   dW[i,j]ᵀ = Σ_g  dyᵀ[·, g − (i·Wp + j)] · x[g, ·]      g: positions on the (padded) input grid
 *
 *   x  ─► xG   [grid][Ci]                  (x itself for `valid` padding; else a zero-padded copy)
 *   dy ─► dyT  [chunk][Co][grid of its samples]   (dy placed on the grid, channel-major, zeros elsewhere)
 *   for each chunk:  B = xG rows of the chunk (a view; XNNPACK packs it once, Ci wide)
 *     for each (i, j): A = view of dyT shifted back by i·Wp + j (no copy) ─► A·B ─► add into dW[i,j]
 *
 * A shifted row reaches into the row before it only where dyT is zero (padding rows and columns
 * of the grid; zeros lead the buffer), so those products vanish. Packing costs per float, so the
 * packed side is the narrower x (Ci) rather than dy (Co); chunks of a few samples keep it in cache.
 */
import { tf } from '../tf.ts';
import { asWasm, f32, releaseView, viewOf } from './wasm-heap.ts';

type TensorInfo = tf.TensorInfo;

/** Floats of xG per chunk (B of the products), 1 MB: measured 48–50 ms for conv2d_2 at batch 64, against 60–63 at 64 k–128 k floats. */
const CHUNK_FLOATS = 256 * 1024;

/**
 * Whether the shifted form applies and pays: stride 1, dilation 1, enough input channels to fill a
 * product's rows, and a grid not much larger than the output (its extra rows and columns are
 * multiplied by zeros). Measured on the reference model (batch 64, one thread):
 * conv2d_2 (26×26×32→64, grid 676 for 576 outputs) 48–50 ms against 64–75 ms with im2col;
 * conv2d_3 (12×12×64→128, grid 144 for 100) 38 ms against 30–40 — so it is used for the first only.
 */
export function shiftedFilterGradApplies(info: tf.backend_util.Conv2DInfo): boolean {
  const grid = (info.outHeight + info.filterHeight - 1) * (info.outWidth + info.filterWidth - 1);
  const stride1 = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  return stride1 && info.inChannels >= 8 && grid <= 1.25 * info.outHeight * info.outWidth;
}

/**
 * dW [Kh, Kw, Ci, Co] of a stride-1 Conv2D on wasm by shifted products (see the file's comment);
 * for where `shiftedFilterGradApplies`. `chunkFloats`: floats of xG per chunk.
 */
export function conv2dBackpropFilterShifted(
  backend: unknown,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  chunkFloats = CHUNK_FLOATS,
): TensorInfo {
  const b = asWasm(backend);
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const { outChannels: co, filterHeight: kh, filterWidth: kw } = info;
  const grid: Grid = {
    hp: info.outHeight + kh - 1,
    wp: info.outWidth + kw - 1,
    top: info.padInfo.top,
    left: info.padInfo.left,
    maxShift: (kh - 1) * (info.outWidth + kw - 1) + (kw - 1),
  };
  const perSample = grid.hp * grid.wp;
  const nPer = Math.max(1, Math.min(n, Math.floor(chunkFloats / (perSample * ci))));
  /** Grid positions in chunk j (its last chunk may hold fewer samples). */
  const chunkSize = (j: number) => (Math.min(n, (j + 1) * nPer) - j * nPer) * perSample;
  const direct = grid.hp === h && grid.wp === w && grid.top === 0 && grid.left === 0;
  const xgInfo = direct ? x : b.makeOutput([n * perSample, ci], 'float32');
  const dgtInfo = b.makeOutput([grid.maxShift + n * perSample * co], 'float32');
  const out = b.makeOutput([kh, kw, ci, co], 'float32');
  try {
    if (!direct) inputOnGrid(f32(b, xgInfo), f32(b, x), x.shape as [number, number, number, number], grid);
    dyOnGridChannelMajor(f32(b, dgtInfo), f32(b, dy), dy.shape as [number, number, number, number], grid, nPer, chunkSize);
    const acc = new Float64Array(kh * kw * ci * co);
    for (let j = 0; j * nPer < n; j++) {
      const start = j * nPer * perSample;
      const bView = viewOf(b, xgInfo, start * ci, [chunkSize(j), ci]);
      try {
        for (let i = 0; i < kh; i++) {
          for (let q = 0; q < kw; q++) {
            const aView = viewOf(b, dgtInfo, grid.maxShift + start * co - (i * grid.wp + q), [co, chunkSize(j)]);
            try {
              const prod = matMul({
                inputs: { a: aView, b: bView },
                backend: backend as tf.KernelBackend,
                attrs: { transposeA: false, transposeB: false },
              }) as TensorInfo;
              const p = f32(b, prod);
              const at = (i * kw + q) * ci * co;
              for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) acc[at + c * co + o] = (acc[at + c * co + o] as number) + (p[o * ci + c] as number);
              b.disposeData(prod.dataId);
            } finally {
              releaseView(b, aView);
            }
          }
        }
      } finally {
        releaseView(b, bView);
      }
    }
    f32(b, out).set(acc);
    return out;
  } finally {
    if (!direct) b.disposeData(xgInfo.dataId);
    b.disposeData(dgtInfo.dataId);
  }
}

/** The (padded) input grid: hp × wp positions per sample; x sits at (top, left); dy at (0, 0). */
interface Grid {
  readonly hp: number;
  readonly wp: number;
  readonly top: number;
  readonly left: number;
  /** Zeros leading the dy buffer: the largest shift, (kh − 1)·wp + kw − 1. */
  readonly maxShift: number;
}

/** xg[(sample·hp + y + top)·wp + z + left][c] = x[sample, y, z, c]; zeros elsewhere. */
function inputOnGrid(xg: Float32Array, xs: Float32Array, [n, h, w, ci]: [number, number, number, number], { hp, wp, top, left }: Grid): void {
  xg.fill(0);
  const z0 = Math.max(0, -left);
  const z1 = Math.min(w, wp - left);
  if (z1 <= z0) return;
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < h; y++) {
      const gy = y + top;
      if (gy >= 0 && gy < hp) xg.set(xs.subarray(((s * h + y) * w + z0) * ci, ((s * h + y) * w + z1) * ci), ((s * hp + gy) * wp + z0 + left) * ci);
    }
  }
}

/**
 * dgt = maxShift zeros, then per chunk [Co][chunk's grid]: dy[sample, y, z, o] at grid position
 * (sample·hp + y)·wp + z of its chunk; zeros elsewhere.
 */
function dyOnGridChannelMajor(
  dgt: Float32Array,
  g: Float32Array,
  [n, oh, ow, co]: [number, number, number, number],
  { hp, wp, maxShift }: Grid,
  nPer: number,
  chunkSize: (j: number) => number,
): void {
  dgt.fill(0);
  const perSample = hp * wp;
  let src = 0;
  for (let s = 0; s < n; s++) {
    const j = Math.floor(s / nPer);
    const rowLength = chunkSize(j);
    const base = maxShift + j * nPer * perSample * co + (s - j * nPer) * perSample;
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        let dst = base + y * wp + z;
        for (let o = 0; o < co; o++, dst += rowLength) dgt[dst] = g[src++] as number;
      }
    }
  }
}
