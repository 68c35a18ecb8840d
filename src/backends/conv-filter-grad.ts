/**
 * The filter gradient of a stride-1 Conv2D on wasm as shifted matrix products, no im2col:
 *
 *   dW[i,j] = Σ_g  xᵀ[·, g + i·Wp + j] · dy[g, ·]        g: positions on the padded input grid
 *
 *   x  ─► xT  [chunk][Ci][grid of its samples]   (zero padded; channel-major)
 *   dy ─► dG  [chunk · grid][Co]                 (dy placed on the same grid, zeros elsewhere)
 *   for each chunk:  B = dG rows of the chunk (packed by XNNPACK once)
 *     for each (i, j): A = view of xT shifted by i·Wp + j (no copy) ─► A·B ─► add into dW[i,j]
 *
 * A shifted row runs past its grid's end only where dG is zero (the padding rows and columns),
 * so those products vanish. Chunks of a few samples keep B in cache.
 */
import { tf } from '../tf.ts';
import { asWasm, f32, releaseView, viewOf } from './wasm-heap.ts';

type TensorInfo = tf.TensorInfo;

/** Floats of dG per chunk (B of the products), 512 KB: 64 k–256 k measured alike, 512 k+ slower. */
const CHUNK_FLOATS = 128 * 1024;

/**
 * Whether the shifted form applies and pays: stride 1, dilation 1, enough input channels to fill a
 * product's rows, and a grid not much larger than the output (its extra rows and columns are
 * multiplied by zeros). Measured on the reference model (batch 64, one thread):
 * conv2d_2 (26×26×32→64, grid 676 for 576 outputs) 62 ms against 75 ms with im2col; conv2d_3
 * (12×12×64→128, grid 144 for 100) 42 ms against 30 ms — so it is used for the first only.
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
  const nPer = Math.max(1, Math.min(n, Math.floor(chunkFloats / (perSample * co))));
  const chunks = Math.ceil(n / nPer);
  const gc = nPer * perSample;
  const maxShift = (kh - 1) * wp + (kw - 1);

  const xtInfo = b.makeOutput([chunks * ci * gc + maxShift], 'float32');
  const dgInfo = b.makeOutput([chunks * gc, co], 'float32');
  const out = b.makeOutput([kh, kw, ci, co], 'float32');
  try {
    fillInputGrid(f32(b, xtInfo), f32(b, x), { n, h, w, ci, hp, wp, top, left, nPer, gc });
    const dg = f32(b, dgInfo);
    const g = f32(b, dy);
    dg.fill(0);
    for (let s = 0; s < n; s++) {
      const base = (Math.floor(s / nPer) * gc + (s % nPer) * perSample) * co;
      for (let y = 0; y < oh; y++) dg.set(g.subarray((s * oh + y) * ow * co, (s * oh + y + 1) * ow * co), base + y * wp * co);
    }

    const acc = new Float64Array(kh * kw * ci * co);
    for (let j = 0; j < chunks; j++) {
      const bView = viewOf(b, dgInfo, j * gc * co, [gc, co]);
      try {
        for (let i = 0; i < kh; i++) {
          for (let q = 0; q < kw; q++) {
            const aView = viewOf(b, xtInfo, j * ci * gc + i * wp + q, [ci, gc]);
            try {
              const prod = matMul({ inputs: { a: aView, b: bView }, backend: backend as tf.KernelBackend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
              const p = f32(b, prod);
              const at = (i * kw + q) * ci * co;
              for (let k = 0; k < ci * co; k++) acc[at + k] = (acc[at + k] as number) + (p[k] as number);
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
    (backend as tf.KernelBackend).disposeData(xtInfo.dataId);
    (backend as tf.KernelBackend).disposeData(dgInfo.dataId);
  }
}

interface GridShape {
  n: number;
  h: number;
  w: number;
  ci: number;
  hp: number;
  wp: number;
  top: number;
  left: number;
  nPer: number;
  gc: number;
}

/** xt[(chunk·Ci + c)·gc + (sample·hp + y)·wp + z] = x[sample, y − top, z − left, c], 0 outside (and in the tail). */
function fillInputGrid(xt: Float32Array, xs: Float32Array, d: GridShape): void {
  xt.fill(0);
  const { n, h, w, ci, hp, wp, top, left, nPer, gc } = d;
  for (let s = 0; s < n; s++) {
    const chunkBase = Math.floor(s / nPer) * ci * gc + (s % nPer) * hp * wp;
    for (let y = 0; y < h; y++) {
      const gy = y + top;
      if (gy < 0 || gy >= hp) continue;
      for (let z = 0; z < w; z++) {
        const gz = z + left;
        if (gz < 0 || gz >= wp) continue;
        const src = ((s * h + y) * w + z) * ci;
        let dst = chunkBase + gy * wp + gz;
        for (let c = 0; c < ci; c++, dst += gc) xt[dst] = xs[src + c] as number;
      }
    }
  }
}
