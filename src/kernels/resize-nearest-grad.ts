/**
 * `ResizeNearestNeighborGrad` (the gradient of `tf.image.resizeNearestNeighbor`, so of
 * `UpSampling2D`): the exact adjoint of TF.js's `ResizeNearestNeighbor`, for the `cpu` backend, the
 * backends that copy its kernels (onnxruntime's host) and `wasm`. Each output pixel's gradient goes
 * back to the one input pixel the forward copied it from:
 *
 *   dx[b, row(i), col(j), d] += dy[b, i, j, d]   for every output pixel (i, j) of every sample b
 *
 * with row/col the forward's own source index (alignCorners, halfPixelCenters as it reads them;
 * cpu's and wasm's forwards agree). TF.js 4.22's stock kernels get it wrong:
 * - cpu reads dy at the *input's* batch stride, so every sample after the first gets the gradient
 *   of the wrong rows of dy (UpSampling2D 2×2, batch 2: the second sample's gradient 26 34 58 66
 *   where it is 74 82 106 114), and it ignores halfPixelCenters;
 * - wasm has the batch stride right but ignores halfPixelCenters too, giving the adjoint of the
 *   resize without it (3×3 → 5×5, dy 1…25: 16 24 15 56 64 35 43 47 25 where it is
 *   16 11 28 23 13 29 76 41 88), and with alignCorners and a side of one pixel it returns zeros
 *   (1×2 → 3×2, dy 1…6: 0 0 where it is 9 12). Its kernel is kept where neither flag is
 *   set (UpSampling2D's case, where it is exact); `registerWasmTrainingKernels` registers the one
 *   below for the rest, a loop over the wasm heap.
 *
 * @example
 * fixCpuKernels();   // once; the library does it on import
 * tf.grad((x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [4, 4]).sum())(tf.ones([2, 2, 2, 1]));   // 4 at every pixel of both samples
 */
import { tf } from '../tf.ts';
import { fixCpuCast } from './cpu-cast.ts';
import { bilinearWeights, nearestSources, separableResizeGrad } from './resize-grads.ts';
import { asWasm, f32 } from './wasm-heap.ts';

type Attrs = { alignCorners?: boolean; halfPixelCenters?: boolean };

/** dx (zeroed, of `imagesShape` [N, H, W, C]) += the adjoint of the forward applied to dy (see the file's comment). */
function addToSources(dy: Float32Array, dx: Float32Array, imagesShape: readonly number[], dyShape: readonly number[], attrs: Attrs): void {
  const { alignCorners = false, halfPixelCenters = false } = attrs;
  const [batch, inH, inW, depth] = imagesShape as [number, number, number, number];
  const [, outH, outW] = dyShape as [number, number, number, number];
  const rows = nearestSources(inH, outH, alignCorners, halfPixelCenters);
  const cols = nearestSources(inW, outW, alignCorners, halfPixelCenters);
  let p = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < outH; i++) {
      const rowBase = (b * inH + rows[i]!) * inW;
      for (let j = 0; j < outW; j++) {
        const base = (rowBase + cols[j]!) * depth;
        for (let d = 0; d < depth; d++) dx[base + d]! += dy[p++]!;
      }
    }
  }
}

/** The cpu kernel (see the file's comment): one pass over dy, adding each value into its source pixel. */
function resizeNearestNeighborGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  // The cpu backend's class (and its copies) make a tensor from values; the KernelBackend type leaves it out.
  const host = backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo };
  const dx = new Float32Array(images.shape.reduce((a, b) => a * b, 1));
  addToSources(host.readSync(dy.dataId) as Float32Array, dx, images.shape, dy.shape, (attrs ?? {}) as Attrs);
  return host.makeTensorInfo([...images.shape], 'float32', dx);
}

/**
 * The wasm kernel: the stock one (`stock`, when given) where neither alignCorners nor
 * halfPixelCenters is set, else the same pass as cpu's, writing dx in the wasm heap.
 *
 * @example
 * registerWasmTrainingKernels();   // registers it for wasm, over the stock kernel
 * tf.grad((x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [5, 5], false, true).sum())(tf.ones([1, 3, 3, 1]));   // the adjoint: 4 2 4 / 2 1 2 / 4 2 4
 */
export function wasmResizeNearestNeighborGrad(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const attrs = (args.attrs ?? {}) as Attrs;
    if (stock && !attrs.alignCorners && !attrs.halfPixelCenters) return stock(args);
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const b = asWasm(args.backend);
    const out = b.makeOutput([...images.shape], 'float32');
    // Views taken after the allocation (memory growth detaches older ones); dy is float32, as the stock kernel reads it.
    const dx = f32(b, out);
    dx.fill(0);
    addToSources(f32(b, dy), dx, images.shape, dy.shape, attrs);
    return out;
  };
}

/**
 * Replace the `cpu` backend's kernels that give wrong results with exact ones; idempotent. Today
 * `ResizeNearestNeighborGrad` (see the file's comment) and `ResizeBilinearGrad`, whose stock
 * kernel returns dx with height and width swapped in its shape (so `tf.grad` throws for any input
 * not square: "the gradient of input 'images' has shape '2,6,1,1', which does not match the shape
 * of the input '2,1,6,1'") and ignores halfPixelCenters: replaced by the separable adjoint of
 * resize-grads.ts on cpu's own kernels; and `Cast`, whose widening casts share the input's array
 * under the new dtype (cpu-cast.ts). The library calls it when it loads, before any backend copies
 * the cpu kernels.
 */
export function fixCpuKernels(): void {
  fixCpuCast();
  const stock = tf.getKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  if (stock?.kernelFunc === resizeNearestNeighborGrad) return;
  if (stock) tf.unregisterKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  tf.registerKernel({ kernelName: tf.ResizeNearestNeighborGrad, backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad as tf.KernelFunc });
  if (tf.getKernel(tf.ResizeBilinearGrad, 'cpu')) tf.unregisterKernel(tf.ResizeBilinearGrad, 'cpu');
  tf.registerKernel({ kernelName: tf.ResizeBilinearGrad, backendName: 'cpu', kernelFunc: separableResizeGrad('cpu', bilinearWeights, undefined) });
}
