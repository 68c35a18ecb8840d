/**
 * TF.js kernels this library registers (browser-safe: they use only TF.js's kernel registry and
 * the wasm backend's own module). When it loads: the cpu kernels TF.js gets wrong, replaced by
 * exact ones (`fixCpuKernels`: `ResizeNearestNeighborGrad`, UpSampling2D's gradient,
 * `ResizeBilinearGrad`, and `Cast`, whose widening casts wasm read wrong), and webgl's and
 * webgpu's gradients of both resizes with alignCorners or halfPixelCenters and their `Cast`
 * (the same sharing as cpu's) (`fixGpuKernels`). On
 * request: the training kernels stock `@tensorflow/tfjs-backend-wasm` lacks or runs slowly. Node's
 * `selectBackend('wasm')` registers them, and `fit`, `trainStep` and `recordWeights` do when the
 * backend in use is wasm (`useTrainingKernels`); in a browser, `registerWasmTrainingKernels()`
 * after importing `@tensorflow/tfjs-backend-wasm` registers them for other training code as well. Before training
 * or recording: whether the backend in use reads its numbers back right synchronously
 * (`readBackProblem`, read-back.ts: a product, a sum and a convolution read with `dataSync` against
 * exact values, once per backend), refused by `checkReadBack` (ReadBackError) when it does not.
 */

export { checkReadBack, readBackProblem } from './read-back.ts';
export { fixGpuKernels } from './resize-grads.ts';
export { fixCpuKernels } from './resize-nearest-grad.ts';
export { registerWasmTrainingKernels, useTrainingKernels } from './wasm-training.ts';

import { fixGpuKernels } from './resize-grads.ts';
import { fixCpuKernels } from './resize-nearest-grad.ts';

fixCpuKernels();
fixGpuKernels();
