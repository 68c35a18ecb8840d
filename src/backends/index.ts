/**
 * TF.js backends (Node only): `selectBackend` takes tensorflow › onnxruntime › wasm › cpu (and says
 * why), with the training kernels wasm lacks (src/kernels/, browser-safe) and its threaded build under Node
 * (wasm-threads.ts); onnxruntime/ runs the heavy kernels on ONNX Runtime.
 */
export { BACKENDS, currentBackend, PARALLEL_MODES, selectBackend, type BackendChoice, type BackendInfo, type BackendOptions, type ParallelMode } from './select.ts';
export { silenceCpuAdvert, useQuietCpu } from './advert.ts';
