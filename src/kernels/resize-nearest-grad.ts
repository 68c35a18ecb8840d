/**
 * `ResizeNearestNeighborGrad` (the gradient of `tf.image.resizeNearestNeighbor`, so of
 * `UpSampling2D`) for the `cpu` backend and the backends that copy its kernels (onnxruntime's
 * host): the exact adjoint of TF.js's cpu `ResizeNearestNeighbor`. Each output pixel's gradient
 * goes back to the one input pixel the forward copied it from:
 *
 *   dx[b, row(i), col(j), d] += dy[b, i, j, d]   for every output pixel (i, j) of every sample b
 *
 * with row/col the forward's own source index (alignCorners, halfPixelCenters as it reads them).
 * TF.js 4.22's cpu kernel reads dy at the *input's* batch stride, so every sample after the first
 * gets the gradient of the wrong rows of dy (UpSampling2D 2×2, batch 2: the second sample's
 * gradient 26 34 58 66 where it is 74 82 106 114), and it ignores halfPixelCenters.
 *
 * @example
 * fixCpuKernels();   // once; the library does it on import
 * tf.grad((x) => tf.image.resizeNearestNeighbor(x, [4, 4]).sum())(tf.ones([2, 2, 2, 1]));   // 4 at every pixel of both samples
 */
import { tf } from '../tf.ts';

/** The forward's source index along one axis of `inSize` pixels for each of `outSize` output pixels. */
export function nearestSources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const out = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    out[i] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return out;
}

/** The kernel (see the file's comment): one pass over dy, adding each value into its source pixel. */
function resizeNearestNeighborGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners = false, halfPixelCenters = false } = (attrs ?? {}) as { alignCorners?: boolean; halfPixelCenters?: boolean };
  const [batch, inH, inW, depth] = images.shape as [number, number, number, number];
  const [, outH, outW] = dy.shape as [number, number, number, number];
  // The cpu backend's class (and its copies) make a tensor from values; the KernelBackend type leaves it out.
  const host = backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo };
  const dyValues = host.readSync(dy.dataId) as Float32Array;
  const rows = nearestSources(inH, outH, alignCorners, halfPixelCenters);
  const cols = nearestSources(inW, outW, alignCorners, halfPixelCenters);
  const dx = new Float32Array(batch * inH * inW * depth);
  let p = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < outH; i++) {
      const rowBase = (b * inH + rows[i]!) * inW;
      for (let j = 0; j < outW; j++) {
        const base = (rowBase + cols[j]!) * depth;
        for (let d = 0; d < depth; d++) dx[base + d]! += dyValues[p++]!;
      }
    }
  }
  return host.makeTensorInfo([batch, inH, inW, depth], 'float32', dx);
}

/**
 * Replace the `cpu` backend's kernels that give wrong results (today `ResizeNearestNeighborGrad`,
 * see the file's comment) with exact ones; idempotent. The library calls it when it loads, before
 * any backend copies the cpu kernels.
 */
export function fixCpuKernels(): void {
  const stock = tf.getKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  if (stock?.kernelFunc === resizeNearestNeighborGrad) return;
  if (stock) tf.unregisterKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  tf.registerKernel({ kernelName: tf.ResizeNearestNeighborGrad, backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad as tf.KernelFunc });
}
