/**
 * registerWasmTrainingKernels called before `@tensorflow/tfjs-backend-wasm` is imported (a page that
 * loads the backend later, with a dynamic import) throws saying so, and registers once the backend
 * is there: before, the first call marked them registered, so every later call did nothing and a
 * Conv2D on wasm stopped with "Kernel 'Conv2DBackpropFilter' not registered".
 */
import { expect, it } from 'vitest';
import { registerWasmTrainingKernels, tf, UsageError } from '../../src/index.ts';

it('called before the wasm backend is imported, it throws a UsageError; after the import, it registers', async () => {
  expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBeUndefined();
  const early = (() => {
    try {
      registerWasmTrainingKernels();
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
  })();
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
  expect(early).toBe(
    "the wasm backend has no BatchMatMul, Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D, Sum kernels: import '@tensorflow/tfjs-backend-wasm' before registering its training kernels",
  );
});
