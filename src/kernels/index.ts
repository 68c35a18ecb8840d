/**
 * TF.js kernels this library registers (browser-safe: they use only TF.js's kernel registry and
 * the wasm backend's own module): the training kernels stock `@tensorflow/tfjs-backend-wasm` lacks
 * or runs slowly. Node's `selectBackend('wasm')` registers them, and `fit`, `trainStep` and
 * `recordWeights` do when the backend in use is wasm (`useTrainingKernels`); in a browser,
 * `registerWasmTrainingKernels()` after importing `@tensorflow/tfjs-backend-wasm` registers them
 * for other training code as well.
 */
export { registerWasmTrainingKernels, useTrainingKernels } from './wasm-training.ts';
