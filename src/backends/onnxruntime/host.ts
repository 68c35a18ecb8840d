/**
 * The TF.js side of the `onnxruntime` backend: a backend of its own name whose storage and small
 * kernels are the stock `cpu` backend's (tensor data are plain TypedArrays, handed to ONNX Runtime
 * with no copy), and whose heavy kernels are then replaced (kernels.ts):
 *
 *   registerHostBackend(name) ─► tf.registerBackend(name, new cpu-backend instance + its BufferPool
 *                                                     + its DeferredConvs)
 *                              ─► every cpu kernel registered again under `name`
 */
import { tf } from '../../tf.ts';
import { BufferPool } from './buffer-pool.ts';
import { DeferredConvs } from './deferred.ts';

/** The cpu backend's data store: values of each tensor, a TypedArray for numeric dtypes. */
export interface HostBackend extends tf.KernelBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

const pools = new WeakMap<tf.KernelBackend, BufferPool>();
const deferreds = new WeakMap<tf.KernelBackend, DeferredConvs>();

/** The buffer pool of a host backend made here. */
export function poolOf(backend: tf.KernelBackend): BufferPool {
  const p = pools.get(backend);
  if (!p) throw new Error('not a host backend of the onnxruntime kernels');
  return p;
}

/** The deferred convolutions of a host backend made here. */
export function deferredOf(backend: tf.KernelBackend): DeferredConvs {
  const d = deferreds.get(backend);
  if (!d) throw new Error('not a host backend of the onnxruntime kernels');
  return d;
}

/** Register `name` as a copy of the cpu backend (instance and kernels); idempotent. */
export function registerHostBackend(name: string): void {
  if (tf.engine().registryFactory[name]) return;
  const cpu = tf.findBackend('cpu');
  if (!cpu) throw new Error('the cpu backend is not available to host the onnxruntime kernels');
  const CpuBackend = cpu.constructor as new () => tf.KernelBackend;
  tf.registerBackend(name, () => {
    const b = new CpuBackend();
    // The cpu backend prints an advert for tfjs-node on first use; this one is not the cpu backend.
    (b as unknown as { firstUse: boolean }).firstUse = false;
    const pool = new BufferPool();
    pool.attach(b);
    pools.set(b, pool);
    deferreds.set(b, new DeferredConvs(b, pool));
    return b;
  }, 0);
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (!tf.getKernel(k.kernelName, name)) tf.registerKernel({ ...k, backendName: name });
  }
}

/** The Float32Array of a float32 tensor on the host backend, or undefined for another dtype or storage. */
export function floatsOf(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const v = (backend as HostBackend).data.get(t.dataId)?.values;
  return v instanceof Float32Array ? v : undefined;
}

/** A float32 tensor on the host backend holding `values` (no copy). */
export function tensorOf(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  return (backend as HostBackend).makeTensorInfo(shape, 'float32', values);
}
