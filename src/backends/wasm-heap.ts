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

interface WasmBackendInternals extends WasmBackendLike {
  dataIdMap: Map<object, { id: number; memoryOffset: number }> & WasmBackendLike['dataIdMap'];
  wasm: WasmBackendLike['wasm'] & { tfjs: { disposeData(id: number): void } };
}

/**
 * A tensor that views `size` floats of `base` from float `offset` on, without copying — so a
 * kernel can hand the backend a shifted window of a buffer. Free it with `releaseView`, never
 * with disposeData (that would free the middle of `base`'s memory).
 */
export function viewOf(backend: WasmBackendLike, base: tf.TensorInfo, offset: number, shape: number[]): tf.TensorInfo {
  const data = backend.dataIdMap.get(base.dataId);
  if (!data) throw new Error('tensor data is not on the wasm backend');
  return (backend as unknown as { makeOutput(shape: number[], dtype: string, memoryOffset: number): tf.TensorInfo }).makeOutput(shape, 'float32', data.memoryOffset + 4 * offset);
}

/** Forget a view made by `viewOf` (its memory belongs to the base tensor). */
export function releaseView(backend: WasmBackendLike, view: tf.TensorInfo): void {
  const b = backend as WasmBackendInternals;
  const data = b.dataIdMap.get(view.dataId);
  if (!data) return;
  b.wasm.tfjs.disposeData(data.id);
  b.dataIdMap.delete(view.dataId);
}
