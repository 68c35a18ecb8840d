/**
 * Training kernels for the WebAssembly backend. Stock `@tensorflow/tfjs-backend-wasm` cannot
 * train a Conv2D: `Conv2DBackpropFilter` is not registered (tensorflow/tfjs#8474) and its
 * `Conv2DBackpropInput` is a slow loop; its `MaxPoolGrad` is slow too, and `BatchMatMul` with a
 * transpose flag leaves XNNPACK for a slow path; its `ResizeNearestNeighborGrad` and
 * `ResizeBilinearGrad` are wrong with halfPixelCenters. Registered here, each on the fast paths:
 *
 *   Conv2DBackpropFilter   stride 1: Σ shifted dyᵀ · x     (views, no copy, XNNPACK matmul; conv-filter-grad.ts)
 *                          otherwise: dW = im2colᵀ(x) · dy (Transpose + heap loop + XNNPACK matmul)
 *   Conv2DBackpropInput    dX = conv(dilated dy, flipped w) (XNNPACK conv, conv-grads.ts)
 *   MaxPoolGrad            heap loop, first maximum of each window
 *   Sum over leading axes  heap loop (the stock kernel transposes them inward first): bias gradients
 *   BatchMatMul            explicit Transpose, then the untransposed XNNPACK path
 *   Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D
 *                          `same` padding as explicit pads (wasm-same-padding.ts: the stock
 *                          kernels' XNNPACK SAME flag misplaces some windows)
 *   ResizeNearestNeighborGrad
 *                          with alignCorners or halfPixelCenters: the forward's exact adjoint, a
 *                          heap loop (resize-nearest-grad.ts: the stock kernel ignores halfPixelCenters)
 *   ResizeBilinearGrad     with alignCorners or halfPixelCenters: the forward's exact adjoint, two
 *                          BatchMatMuls (resize-grads.ts: the stock kernel ignores halfPixelCenters)
 *   UnsortedSegmentSum     gather's gradient (an Embedding's), missing in stock wasm: its ScatterNd,
 *                          which sums rows that share an index (wasm-segment-sum.ts)
 *   DepthwiseConv2dNativeBackpropInput, DepthwiseConv2dNativeBackpropFilter
 *                          DepthwiseConv2D's and SeparableConv2D's gradients, missing in stock wasm:
 *                          its DepthwiseConv2dNative of the spread dy with the flipped filter; per
 *                          tap a strided slice of x times dy, summed (depthwise-grads.ts)
 *
 * Every other kernel the reference model, the penalties and the optimisers need is stock.
 */
import { UsageError } from '../errors.ts';
import { tf } from '../tf.ts';
import { conv2dBackpropFilterShifted, shiftedFilterGradApplies } from './conv-filter-grad.ts';
import { type ConvAttrs, conv2dBackpropInput, convInfo } from './conv-grads.ts';
import { wasmDepthwiseBackpropFilter, wasmDepthwiseBackpropInput } from './depthwise-grads.ts';
import { withScope } from './kernel-scope.ts';
import { bilinearWeights, fixGpuKernels, separableResizeGrad } from './resize-grads.ts';
import { wasmResizeNearestNeighborGrad } from './resize-nearest-grad.ts';
import { im2colT, maxPoolGrad, sumLeading } from './wasm-loops.ts';
import { explicitSamePadding } from './wasm-same-padding.ts';
import { wasmUnsortedSegmentSum } from './wasm-segment-sum.ts';

type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;

let registered = false;

/** Target size of one im2col chunk (floats): 8 M floats = 32 MB. */
const IM2COL_FLOATS = 8 * 1024 * 1024;

/** Register `kernelFunc` for wasm, keeping the stock kernel's setup (it binds the wasm functions the stock code calls). */
function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}) });
}

/**
 * The training kernels when the backend in use is wasm, and the GPU backends' resize gradients
 * (`fixGpuKernels`) when it is webgpu, whose package may have been imported after the library;
 * nothing on any other backend. `fit`, `trainStep` and `recordWeights` call it first, so a browser
 * page that picked wasm trains a Conv2D without registering them itself (stock wasm: "Kernel
 * 'Conv2DBackpropFilter' not registered").
 *
 * @example
 * await tf.setBackend('wasm'); useTrainingKernels();   // registered; on 'cpu' or 'webgl' nothing changes
 */
export function useTrainingKernels(): void {
  const backend = tf.getBackend();
  if (backend === 'wasm') registerWasmTrainingKernels();
  else if (backend === 'webgpu') fixGpuKernels();
}

/** The stock wasm kernels the training kernels wrap: present once `@tensorflow/tfjs-backend-wasm` is imported. */
const WRAPPED = [tf.BatchMatMul, tf.Conv2D, tf.FusedConv2D, tf.DepthwiseConv2dNative, tf.FusedDepthwiseConv2D, tf.Sum];

/**
 * Register the training kernels above for the wasm backend (once; later calls do nothing). `fit`,
 * `trainStep` and `recordWeights` do it themselves (`useTrainingKernels`); other training code calls it
 * in a browser after importing `@tensorflow/tfjs-backend-wasm` (`penalty-explorer/node`'s
 * `selectBackend` does it in Node). A UsageError when the wasm backend is not imported yet.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  // Checked before anything is marked done: called before the wasm backend was imported, it throws
  // and registers nothing, and a call after the import registers them all.
  const missing = WRAPPED.filter((name) => tf.getKernel(name, 'wasm') === undefined);
  if (missing.length)
    throw new UsageError(
      `the wasm backend has no ${missing.join(', ')} kernel${missing.length > 1 ? 's' : ''}: import '@tensorflow/tfjs-backend-wasm' before registering its training kernels`,
    );
  registered = true;

  const stockMatMul = tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc;
  if (!stockMatMul) throw new Error('the wasm backend has no BatchMatMul kernel');
  replaceKernel(tf.BatchMatMul, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stockMatMul({ inputs, backend, attrs });
    return withScope(backend as tf.KernelBackend, 'wasm', (s) => {
      const t = (x: TensorInfo) =>
        s.run('Transpose', { x }, { perm: [...x.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i)) });
      const inA = transposeA ? t(a) : a;
      const inB = transposeB ? t(b) : b;
      return s.adopt(stockMatMul({ inputs: { a: inA, b: inB }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo);
    });
  });

  for (const name of [tf.Conv2D, tf.FusedConv2D, tf.DepthwiseConv2dNative, tf.FusedDepthwiseConv2D]) {
    const stockConv = tf.getKernel(name, 'wasm')?.kernelFunc;
    if (!stockConv) throw new Error(`the wasm backend has no ${name} kernel`);
    replaceKernel(name, explicitSamePadding(stockConv));
  }

  const stockSum = tf.getKernel(tf.Sum, 'wasm')?.kernelFunc;
  if (!stockSum) throw new Error('the wasm backend has no Sum kernel');
  replaceKernel(tf.Sum, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((p, q) => p - q);
    const k = axes.length;
    const leading = k > 0 && k < x.shape.length && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return stockSum({ inputs, backend, attrs });
    const rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
    const rest = x.shape.slice(k);
    const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
    return sumLeading(
      backend,
      x,
      rows,
      rest.reduce((p, q) => p * q, 1),
      outShape,
    );
  });

  replaceKernel(tf.Conv2DBackpropFilter, ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const filterShape = (attrs as Attrs)['filterShape'] as number[];
    const info = convInfo(x.shape, filterShape, attrs as unknown as ConvAttrs);
    if (shiftedFilterGradApplies(info)) return conv2dBackpropFilterShifted(backend, x, dy, info);
    return withScope(backend as tf.KernelBackend, 'wasm', (s) => {
      const xc = s.run('Transpose', { x }, { perm: [3, 0, 1, 2] });
      const [n, oh, ow, co] = dy.shape as [number, number, number, number];
      // Chunks of samples keep the im2col matrix near IM2COL_FLOATS, so its memory is reused warm.
      const perSample = filterShape[0]! * filterShape[1]! * filterShape[2]! * oh * ow;
      const chunk = Math.max(1, Math.min(n, Math.floor(IM2COL_FLOATS / perSample)));
      let r: TensorInfo | undefined;
      for (let b0 = 0; b0 < n; b0 += chunk) {
        const b1 = Math.min(n, b0 + chunk);
        const a = s.adopt(im2colT(backend, xc, info, b0, b1));
        const dyPart = b0 === 0 && b1 === n ? dy : s.run('Slice', { x: dy }, { begin: [b0, 0, 0, 0], size: [b1 - b0, oh, ow, co] });
        const d2 = s.run('Reshape', { x: dyPart }, { shape: [(b1 - b0) * oh * ow, co] });
        const part = s.run('BatchMatMul', { a, b: d2 }, { transposeA: false, transposeB: false });
        r = r === undefined ? part : s.run('Add', { a: r, b: part });
      }
      return s.run('Reshape', { x: r! }, { shape: filterShape });
    });
  });

  replaceKernel(tf.Conv2DBackpropInput, ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    return conv2dBackpropInput(backend as tf.KernelBackend, 'wasm', dy, filter, a.inputShape, a);
  });

  replaceKernel(tf.MaxPoolGrad, ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const a = attrs as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    return maxPoolGrad(backend, dy, input, info);
  });

  replaceKernel(tf.ResizeNearestNeighborGrad, wasmResizeNearestNeighborGrad(tf.getKernel(tf.ResizeNearestNeighborGrad, 'wasm')?.kernelFunc));
  replaceKernel(tf.ResizeBilinearGrad, separableResizeGrad('wasm', bilinearWeights, tf.getKernel(tf.ResizeBilinearGrad, 'wasm')?.kernelFunc));
  replaceKernel(tf.UnsortedSegmentSum, wasmUnsortedSegmentSum);
  replaceKernel(tf.DepthwiseConv2dNativeBackpropInput, wasmDepthwiseBackpropInput);
  replaceKernel(tf.DepthwiseConv2dNativeBackpropFilter, wasmDepthwiseBackpropFilter);
}
