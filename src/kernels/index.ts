/**
 * TF.js kernels this library registers (browser-safe: they use only TF.js's kernel registry and
 * the wasm backend's own module): the training kernels stock `@tensorflow/tfjs-backend-wasm` lacks
 * or runs slowly. Node's `selectBackend('wasm')` registers them; in a browser, call
 * `registerWasmTrainingKernels()` after importing `@tensorflow/tfjs-backend-wasm` and before training.
 */
export { registerWasmTrainingKernels } from './wasm-training.ts';
