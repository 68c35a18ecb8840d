/**
 * A host backend's arrays: each tensor's Float32Array read and written with no copy, and the
 * per-instance helpers (its pool of output arrays, its deferred convolutions), looked up by
 * backend instance. host.ts makes the instances and attaches the helpers here; everything else
 * reads them from here (so nothing imports host.ts but the backend's entry).
 */
import type { tf } from '../../../tf.ts';
import type { BufferPool } from './buffer-pool.ts';
import type { DeferredConvs } from './deferred.ts';
import { storageOf } from './tfjs-internals.ts';

interface Helpers {
  readonly pool: BufferPool;
  readonly deferred: DeferredConvs;
}

const helpers = new WeakMap<tf.KernelBackend, Helpers>();

/** Record a host backend instance's helpers (host.ts, when it makes one). */
export function attachHelpers(backend: tf.KernelBackend, h: Helpers): void {
  helpers.set(backend, h);
}

function helpersOf(backend: tf.KernelBackend): Helpers {
  const h = helpers.get(backend);
  if (!h) throw new Error('not a host backend of the onnxruntime kernels');
  return h;
}

/** The buffer pool of a host backend. */
export const poolOf = (backend: tf.KernelBackend): BufferPool => helpersOf(backend).pool;

/** The deferred convolutions of a host backend. */
export const deferredOf = (backend: tf.KernelBackend): DeferredConvs => helpersOf(backend).deferred;

/** The Float32Array of a float32 tensor on the host backend, or undefined for another dtype or storage. */
export function floatsOf(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const v = storageOf(backend).data.get(t.dataId)?.values;
  return v instanceof Float32Array ? v : undefined;
}

/** A float32 tensor on the host backend holding `values` (no copy). */
export function tensorOf(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  return storageOf(backend).makeTensorInfo(shape, 'float32', values);
}
