/**
 * TF.js backends (Node only): `selectBackend` takes tensorflow › onnxruntime › wasm › cpu (and says
 * why), with the training kernels wasm lacks (src/kernels/, browser-safe) and its threaded build under Node
 * (wasm-threads.ts); onnxruntime/ runs the heavy kernels on ONNX Runtime.
 */

export { silenceCpuAdvert, useQuietCpu } from './advert.ts';
export { ORT_BACKEND } from './choices.ts';
export {
  BACKENDS,
  type BackendChoice,
  type BackendInfo,
  type BackendOptions,
  currentBackend,
  PARALLEL_MODES,
  type ParallelMode,
  selectBackend,
} from './select.ts';
export { awaitReply, type ReplyCheck, startWorkers } from './workers.ts';

/** The onnxruntime backend's fused-graph gradient strategy, loaded on first use. */
export const loadFusedGradients = () => import('./onnxruntime/index.ts');
