/**
 * The gradients of `tf.image.resizeNearestNeighbor` and `tf.image.resizeBilinear` on the GPU
 * backends (`webgl`, `webgpu`) with alignCorners or halfPixelCenters: the forward's exact adjoint,
 * on the GPU. Both resizes are separable, each output pixel a weighted sum of input pixels with a
 * weight per row and one per column (R[i, p]: of input row p in output row i; C[j, q] likewise
 * for columns), so
 *
 *   y[b, i, j, d] = Σ_p Σ_q R[i, p] C[j, q] x[b, p, q, d]
 *   dx[b, p, q, d] = Σ_i R[i, p] Σ_j C[j, q] dy[b, i, j, d]   (two BatchMatMuls of the backend's own)
 *
 * with R and C computed here from the forward's own formulas (nearest: one 1 a row, at the pixel
 * it copies; bilinear: 1 − f and f at the two pixels it blends). TF.js 4.22's stock kernels on
 * both backends ignore halfPixelCenters, giving the adjoint of the resize without it (webgl's nearest
 * 3×3 → 5×5, dy 1…25: 16 24 15 56 64 35 43 47 25 where it is 16 11 28 23 13 29 76 41 88); with
 * alignCorners from a side of one pixel to more (1×6 → 2×8), webgl's shader does not compile
 * ("Failed to compile fragment shader": the step between dy's pixels is infinite) and webgpu's
 * gradient is wrong; webgl also rounds alignCorners' ties with GLSL's `round`, whose direction at
 * .5 is the GPU's choice where the forward's is up. Measured in headless Chromium (SwiftShader),
 * webgl over 648 cases a resize (inputs h × (7 − h) and s × s for h, s in 1…6, resized to
 * o × (10 − o) and o × o for o in 1…9; the three flag settings; batch 2, depth 1 and 3): every
 * forward right, and every gradient without a flag; with halfPixelCenters 168 of 216 nearest and
 * 184 of 216 bilinear gradients wrong, with alignCorners 48 of 216 not compiling. Webgpu, 162
 * cases a resize (the first shapes, depth 1 or 3): 50 of 54 nearest and 52 of 54 bilinear
 * gradients wrong with halfPixelCenters, 16 of 54 each with alignCorners. So the stock kernels
 * are kept without a flag (UpSampling2D's case) and `fixGpuKernels` registers these for the rest
 * (then all right on both, bilinear within 2e-5). The cpu backend's bilinear gradient is this
 * one too, with or without flags (`fixCpuKernels`, resize-nearest-grad.ts: its stock kernel swaps
 * height and width in dx's shape), and wasm's with either flag (`registerWasmTrainingKernels`: its
 * stock kernel ignores halfPixelCenters).
 *
 * @example
 * fixGpuKernels();   // the library does it on import, and fit, trainStep and recordWeights on webgpu
 * await tf.setBackend('webgl');
 * tf.grad((x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [5, 5], false, true).sum())(tf.ones([1, 3, 3, 1]));   // 4 2 4 / 2 1 2 / 4 2 4
 */
import { tf } from '../tf.ts';
import { fixGpuCast } from './gpu-cast.ts';
import { withScope } from './kernel-scope.ts';
import { asWasm, f32 } from './wasm-heap.ts';

type Attrs = { alignCorners?: boolean; halfPixelCenters?: boolean };
/** The weights of one axis, input pixel by output pixel: w[k * outSize + o] is input pixel k's weight in output pixel o. */
type AxisWeights = (inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean) => Float32Array;

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

/** Nearest neighbour: each output pixel copies one input pixel (`nearestSources`, the forward's index). */
export const nearestWeights: AxisWeights = (inSize, outSize, alignCorners, halfPixelCenters) => {
  const w = new Float32Array(inSize * outSize);
  nearestSources(inSize, outSize, alignCorners, halfPixelCenters).forEach((k, o) => {
    w[k * outSize + o] = 1;
  });
  return w;
};

/**
 * Bilinear, as TF.js's forward computes it: source position s = ratio·o (halfPixelCenters:
 * ratio·(o + ½) − ½), pixels lo = max(0, ⌊s⌋) and hi = min(inSize − 1, ⌈s⌉), weights 1 − f and f
 * with f = s − lo (e.g. 2 → 3 with alignCorners: output 1 is ½ of each input pixel).
 */
export const bilinearWeights: AxisWeights = (inSize, outSize, alignCorners, halfPixelCenters) => {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const w = new Float64Array(inSize * outSize);
  for (let o = 0; o < outSize; o++) {
    const s = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    const lo = Math.max(0, Math.floor(s));
    const hi = Math.min(inSize - 1, Math.ceil(s));
    const f = s - lo;
    w[lo * outSize + o]! += 1 - f;
    w[hi * outSize + o]! += f;
  }
  return Float32Array.from(w);
};

/**
 * A float32 tensor of these values on `backend`: by its `makeTensorInfo` (cpu, webgl, webgpu), or
 * written into the wasm heap (the wasm backend has no such method).
 */
function constant(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  const maker = backend as tf.KernelBackend & { makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo };
  if (typeof maker.makeTensorInfo === 'function') return maker.makeTensorInfo(shape, 'float32', values);
  const wasm = asWasm(backend);
  const out = wasm.makeOutput(shape, 'float32');
  f32(wasm, out).set(values);
  return out;
}

/**
 * A gradient kernel of `backendName` for the resize whose axis weights are `weights`: the stock
 * kernel (`stock`, when given) where neither alignCorners nor halfPixelCenters is set, else
 * dx = Rᵀ·dy·C as two BatchMatMuls (see the file's comment). dy [N, H', W', D] is read as
 * N·H' matrices W' × D, multiplied by Cᵀ [W, W'] (broadcast over them), then as N matrices
 * H' × W·D, multiplied by Rᵀ [H, H'].
 */
export function separableResizeGrad(backendName: string, weights: AxisWeights, stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { alignCorners = false, halfPixelCenters = false } = (args.attrs ?? {}) as Attrs;
    if (stock && !alignCorners && !halfPixelCenters) return stock(args);
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const backend = args.backend as tf.KernelBackend;
    const [batch, inH, inW, depth] = images.shape as [number, number, number, number];
    const [, outH, outW] = dy.shape as [number, number, number, number];
    const matMul = { transposeA: false, transposeB: false };
    return withScope(backend, backendName, (s) => {
      const rowsT = s.adopt(constant(backend, [1, inH, outH], weights(inH, outH, alignCorners, halfPixelCenters)));
      const colsT = s.adopt(constant(backend, [1, inW, outW], weights(inW, outW, alignCorners, halfPixelCenters)));
      const dyRows = s.run(tf.Reshape, { x: dy }, { shape: [batch * outH, outW, depth] });
      const byCols = s.run(tf.BatchMatMul, { a: colsT, b: dyRows }, matMul); // [N·H', W, D]
      const byColsRows = s.run(tf.Reshape, { x: byCols }, { shape: [batch, outH, inW * depth] });
      const dx = s.run(tf.BatchMatMul, { a: rowsT, b: byColsRows }, matMul); // [N, H, W·D]
      return s.run(tf.Reshape, { x: dx }, { shape: [batch, inH, inW, depth] });
    });
  };
}

const KERNELS: [name: string, weights: AxisWeights][] = [
  [tf.ResizeNearestNeighborGrad, nearestWeights],
  [tf.ResizeBilinearGrad, bilinearWeights],
];
/** The GPU backends whose stock kernels are replaced. */
const GPU_BACKENDS = ['webgl', 'webgpu'];
const fixed = new Set<tf.KernelFunc>();

/**
 * Register the gradient kernels above for `webgl` and `webgpu` over the stock ones (kept for the
 * case without flags), for each backend whose kernels are registered, and their `Cast`, whose
 * widening casts share the input's data under the new dtype (gpu-cast.ts); idempotent. The library
 * calls it when it loads (`@tensorflow/tfjs` registers webgl's kernels on import, in Node too,
 * where they go unused), and `useTrainingKernels` again on webgpu, whose package a page may import
 * after the library.
 */
export function fixGpuKernels(): void {
  fixGpuCast();
  for (const backendName of GPU_BACKENDS)
    for (const [name, weights] of KERNELS) {
      const stock = tf.getKernel(name, backendName);
      if (!stock || fixed.has(stock.kernelFunc)) continue;
      const kernelFunc = separableResizeGrad(backendName, weights, stock.kernelFunc);
      fixed.add(kernelFunc);
      tf.unregisterKernel(name, backendName);
      tf.registerKernel({ kernelName: name, backendName, kernelFunc, ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}) });
    }
}
