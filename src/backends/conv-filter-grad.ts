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

export function conv2dBackpropFilterShifted(backend: unknown, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo, chunkFloats = CHUNK_FLOATS): TensorInfo {
  const b = asWasm(backend);
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, outChannels: co, filterHeight: kh, filterWidth: kw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const hp = oh + kh - 1;
  const wp = ow + kw - 1;
  const perSample = hp * wp;
  const nPer = Math.max(1, Math.min(n, Math.floor(chunkFloats / (perSample * ci))));
  const chunks = Math.ceil(n / nPer);
  const maxShift = (kh - 1) * wp + (kw - 1);
  const direct = hp === h && wp === w && top === 0 && left === 0;
  const xgInfo = direct ? x : b.makeOutput([n * perSample, ci], 'float32');
  const dgtInfo = b.makeOutput([maxShift + n * perSample * co], 'float32');
  const out = b.makeOutput([kh, kw, ci, co], 'float32');
  try {
    if (!direct) {
      const xg = f32(b, xgInfo);
      const xs = f32(b, x);
      xg.fill(0);
      for (let s = 0; s < n; s++) for (let y = 0; y < h; y++) {
        const gy = y + top;
        if (gy < 0 || gy >= hp) continue;
        const z0 = Math.max(0, -left);
        const z1 = Math.min(w, wp - left);
        if (z1 > z0) xg.set(xs.subarray(((s * h + y) * w + z0) * ci, ((s * h + y) * w + z1) * ci), ((s * hp + gy) * wp + z0 + left) * ci);
      }
    }
    const dgt = f32(b, dgtInfo);
    const g = f32(b, dy);
    dgt.fill(0);
    for (let s = 0; s < n; s++) {
      const j = Math.floor(s / nPer);
      const gcj = (Math.min(n, (j + 1) * nPer) - j * nPer) * perSample;
      const base = maxShift + j * nPer * perSample * co + (s - j * nPer) * perSample;
      let src = s * oh * ow * co;
      for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) {
        let dst = base + y * wp + z;
        for (let o = 0; o < co; o++, dst += gcj) dgt[dst] = g[src++] as number;
      }
    }
    const acc = new Float64Array(kh * kw * ci * co);
    for (let j = 0; j < chunks; j++) {
      const gcj = (Math.min(n, (j + 1) * nPer) - j * nPer) * perSample;
      const bView = viewOf(b, xgInfo, j * nPer * perSample * ci, [gcj, ci]);
      try {
        for (let i = 0; i < kh; i++) {
          for (let q = 0; q < kw; q++) {
            const aView = viewOf(b, dgtInfo, maxShift + j * nPer * perSample * co - (i * wp + q), [co, gcj]);
            try {
              const prod = matMul({ inputs: { a: aView, b: bView }, backend: backend as tf.KernelBackend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
              const p = f32(b, prod);
              const at = (i * kw + q) * ci * co;
              for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) acc[at + c * co + o] = (acc[at + c * co + o] as number) + (p[o * ci + c] as number);
              (backend as tf.KernelBackend).disposeData(prod.dataId);
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
    if (!direct) (backend as tf.KernelBackend).disposeData(xgInfo.dataId);
    (backend as tf.KernelBackend).disposeData(dgtInfo.dataId);
  }
}
