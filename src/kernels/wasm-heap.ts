/**
 * Direct access to a wasm-backend tensor's memory, for kernels written as plain loops (no copy
 * in or out of the WebAssembly heap).
 */
import type { tf } from '../tf.ts';

/** The parts of tfjs-backend-wasm's backend that heap kernels use (not in its public types). */
interface WasmBackendLike {
  dataIdMap: { get(id: object): { id: number; memoryOffset: number } | undefined; delete(id: object): void };
  wasm: { HEAPU8: Uint8Array; tfjs: { disposeData(id: number): void } };
  /** With `memoryOffset`, the tensor is registered over memory that already exists (nothing is allocated). */
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** The wasm backend seen through the parts heap kernels use (a cast: the caller passes the wasm backend). */
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

/**
 * A tensor of `shape` over `base`'s memory from float `offset` on, without copying — so a kernel
 * can hand the backend a shifted window of a buffer. Free it with `releaseView`, never with
 * disposeData (that would free the middle of `base`'s memory).
 */
export function viewOf(backend: WasmBackendLike, base: tf.TensorInfo, offset: number, shape: number[]): tf.TensorInfo {
  const data = backend.dataIdMap.get(base.dataId);
  if (!data) throw new Error('tensor data is not on the wasm backend');
  return backend.makeOutput(shape, 'float32', data.memoryOffset + 4 * offset);
}

/** Forget a view made by `viewOf` (its memory belongs to the base tensor). */
export function releaseView(backend: WasmBackendLike, view: tf.TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  if (!data) return;
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}

/** A new int32 tensor of `shape` holding `values` (copied into the heap). */
export function int32Tensor(backend: WasmBackendLike, shape: number[], values: ArrayLike<number>): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'int32');
  const data = backend.dataIdMap.get(out.dataId);
  if (!data) throw new Error('tensor data is not on the wasm backend');
  new Int32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, values.length).set(values);
  return out;
}

/** A copy of an int32 tensor's values. */
export function int32Values(backend: WasmBackendLike, info: tf.TensorInfo): Int32Array {
  const data = backend.dataIdMap.get(info.dataId);
  if (!data) throw new Error('tensor data is not on the wasm backend');
  const size = info.shape.reduce((a, b) => a * b, 1);
  return new Int32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, size).slice();
}
