/**
 * The TF.js side of the `onnxruntime` backend: a backend of its own name whose storage and small
 * kernels are the stock `cpu` backend's (tensor data are plain TypedArrays, handed to ONNX Runtime
 * with no copy), and whose heavy kernels are then replaced (kernels/):
 *
 *   registerHostBackend(name) ─► tf.registerBackend(name, new cpu-backend instance + its BufferPool
 *                                                     + its DeferredConvs, recorded in storage.ts)
 *                              ─► every cpu kernel (those TF.js gets wrong fixed: kernels/) registered again under `name`
 *
 * The TF.js internals this takes (the registry, the cpu backend's class and storage) are listed
 * in tfjs-internals.ts.
 */
import { fixCpuKernels } from '../../../kernels/index.ts';
import { tf } from '../../../tf.ts';
import { BufferPool } from './buffer-pool.ts';
import { DeferredConvs } from './deferred.ts';
import { attachHelpers } from './storage.ts';
import { cpuBackendClass, isRegisteredBackend, silenceAdvert, storageOf } from './tfjs-internals.ts';

/** Register `name` as a copy of the cpu backend (instance and kernels); idempotent. */
export function registerHostBackend(name: string): void {
  if (isRegisteredBackend(name)) return;
  const CpuBackend = cpuBackendClass();
  tf.registerBackend(
    name,
    () => {
      const b = new CpuBackend();
      // The cpu backend prints an advert for tfjs-node on first use; this one is not the cpu backend.
      silenceAdvert(b);
      const storage = storageOf(b);
      const pool = new BufferPool();
      pool.attach(storage);
      attachHelpers(b, { pool, deferred: new DeferredConvs(b, storage, pool) });
      return b;
    },
    0,
  );
  // The cpu kernels it copies, with the ones TF.js gets wrong replaced first.
  fixCpuKernels();
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (!tf.getKernel(k.kernelName, name)) tf.registerKernel({ ...k, backendName: name });
  }
}
