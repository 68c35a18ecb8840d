/**
 * Training kernels for the wasm backend written as loops over its heap, where the stock kernel
 * is a slow path and no fast XNNPACK formulation exists:
 *
 *   MaxPoolGrad      dx[argmax of each window] += dy     (first maximum, like the cpu backend: a value
 *                    takes over only when strictly greater than those before it, from −∞, so NaN
 *                    never does and a window of NaN and −∞ passes nothing)
 *   im2colT          A[(kh,kw,ci), (n,oh,ow)] = x[n, oh·s+kh−top, ow·s+kw−left, ci]   (0 outside)
 *   sumLeading       out[c] = Σ_r x[r, c]   (a sum over leading axes, e.g. a bias gradient)
 */
import type { tf } from '../tf.ts';
import { asWasm, f32 } from './wasm-heap.ts';

/** dx of MaxPool: each window's dy added at its first maximum (see the file's comment), a loop over the wasm heap. */
export function maxPoolGrad(backend: unknown, dy: tf.TensorInfo, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo, outHeight: oh, outWidth: ow } = info;
  const [, h, w] = x.shape as [number, number, number, number];
  const tiles = fh === 2 && fw === 2 && sh === 2 && sw === 2 && padInfo.top === 0 && padInfo.left === 0 && 2 * oh <= h && 2 * ow <= w;
  const b = asWasm(backend);
  const out = b.makeOutput(x.shape, 'float32');
  const dx = f32(b, out);
  dx.fill(0);
  const args: PoolGradArrays = { dx, xs: f32(b, x), g: f32(b, dy), shape: x.shape as [number, number, number, number] };
  if (tiles) maxPoolGrad2x2(args, oh, ow);
  else maxPoolGradGeneral(args, info);
  return out;
}

/** dx (zeroed, written), x and dy over the heap, and x's shape [N, H, W, C]. */
interface PoolGradArrays {
  readonly dx: Float32Array;
  readonly xs: Float32Array;
  readonly g: Float32Array;
  readonly shape: [number, number, number, number];
}

/** The 2×2, stride-2, unpadded case (the reference model's): each window is four reads. */
function maxPoolGrad2x2({ dx, xs, g, shape }: PoolGradArrays, oh: number, ow: number): void {
  const [n, h, w, c] = shape;
  const row = w * c;
  let gi = 0;
  for (let b0 = 0; b0 < n; b0++) {
    for (let r = 0; r < oh; r++) {
      let p = (b0 * h + 2 * r) * row;
      for (let q = 0; q < ow; q++, p += 2 * c) {
        for (let k = 0; k < c; k++, gi++) {
          // Window corners in row-major order, each taking over only when strictly greater (from
          // −∞, so NaN never does); ties go to the first, like the cpu backend.
          const i0 = p + k;
          const i1 = i0 + c;
          const i2 = i0 + row;
          const i3 = i2 + c;
          let at = -1;
          let best = Number.NEGATIVE_INFINITY;
          if ((xs[i0] as number) > best) {
            best = xs[i0] as number;
            at = i0;
          }
          if ((xs[i1] as number) > best) {
            best = xs[i1] as number;
            at = i1;
          }
          if ((xs[i2] as number) > best) {
            best = xs[i2] as number;
            at = i2;
          }
          if ((xs[i3] as number) > best) at = i3;
          if (at >= 0) dx[at] = g[gi] as number;
        }
      }
    }
  }
}

/** out[c] = Σ_r x[r, c] over the `rows` leading rows of x viewed as [rows, cols]; double accumulators, like the cpu backend. */
export function sumLeading(backend: unknown, x: tf.TensorInfo, rows: number, cols: number, outShape: number[]): tf.TensorInfo {
  const b = asWasm(backend);
  const out = b.makeOutput(outShape, 'float32');
  const o = f32(b, out);
  const xs = f32(b, x);
  const acc = new Float64Array(cols);
  for (let r = 0, p = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, p++) acc[c] = (acc[c] as number) + (xs[p] as number);
  }
  o.set(acc);
  return out;
}

function maxPoolGradGeneral({ dx, xs, g, shape }: PoolGradArrays, info: tf.backend_util.Conv2DInfo): void {
  const [n, h, w, c] = shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const best = new Int32Array(c);
  const bestVal = new Float32Array(c);
  for (let b0 = 0; b0 < n; b0++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        best.fill(-1);
        bestVal.fill(-Infinity);
        for (let i = 0; i < fh; i++) {
          const y = r * sh - top + i;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < fw; j++) {
            const xx = q * sw - left + j;
            if (xx < 0 || xx >= w) continue;
            const base = ((b0 * h + y) * w + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = xs[base + k] as number;
              if (v > (bestVal[k] as number)) {
                bestVal[k] = v;
                best[k] = base + k;
              }
            }
          }
        }
        const gBase = ((b0 * oh + r) * ow + q) * c;
        for (let k = 0; k < c; k++) {
          const at = best[k] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (g[gBase + k] as number);
        }
      }
    }
  }
}

/**
 * The transposed im2col matrix, [Kh·Kw·Ci, N·Oh·Ow], so that dW = A · dy[N·Oh·Ow, Co]. Reads x in
 * channel-major layout, `xc` = [Ci, N, H, W], so that each row of A is made of contiguous runs.
 * Only samples [batchStart, batchEnd) are taken, so a large batch can be done in chunks.
 */
export function im2colT(backend: unknown, xc: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, batchStart = 0, batchEnd?: number): tf.TensorInfo {
  const b = asWasm(backend);
  const [ci, nAll, h, w] = xc.shape as [number, number, number, number];
  const end = batchEnd ?? nAll;
  const n = end - batchStart;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const cols = n * oh * ow;
  const out = b.makeOutput([fh * fw * ci, cols], 'float32');
  const a = f32(b, out);
  const xs = f32(b, xc);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      // Output columns q whose input column q·sw − left + j is inside [0, w).
      const qLo = Math.max(0, Math.ceil((left - j) / sw));
      const qHi = Math.min(ow, Math.floor((w - 1 + left - j) / sw) + 1);
      for (let k = 0; k < ci; k++) {
        let p = ((i * fw + j) * ci + k) * cols;
        for (let b0 = batchStart; b0 < end; b0++) {
          const plane = (k * nAll + b0) * h;
          for (let r = 0; r < oh; r++, p += ow) {
            const y = r * sh - top + i;
            if (y < 0 || y >= h || qLo >= qHi) {
              a.fill(0, p, p + ow);
              continue;
            }
            if (qLo > 0) a.fill(0, p, p + qLo);
            if (qHi < ow) a.fill(0, p + qHi, p + ow);
            let src = (plane + y) * w + qLo * sw - left + j;
            if (sw === 1) {
              for (let q = qLo; q < qHi; q++) a[p + q] = xs[src++] as number;
            } else {
              for (let q = qLo; q < qHi; q++, src += sw) a[p + q] = xs[src] as number;
            }
          }
        }
      }
    }
  }
  return out;
}
