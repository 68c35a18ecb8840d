/**
 * Direct access to a wasm-backend tensor's memory, for kernels written as plain loops (no copy
 * in or out of the WebAssembly heap).
 */
import type { tf } from '../tf.ts';

interface WasmBackendLike {
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
}

export function asWasm(backend: unknown): WasmBackendLike {
  return backend as WasmBackendLike;
}

/** A Float32Array over the tensor's data. Take it after any allocation: memory growth detaches old views. */
export function f32(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  const data = backend.dataIdMap.get(info.dataId);
  if (!data) throw new Error('tensor data is not on the wasm backend');
  const size = info.shape.reduce((a, b) => a * b, 1);
  return new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, size);
}
