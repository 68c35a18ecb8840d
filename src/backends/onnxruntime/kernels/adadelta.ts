/**
 * Adadelta's step as one kernel (PenxAdadelta, named in src/optim/update-kernels.ts): TF.js's
 * composed ops ran ~16 loops over the weights a step, each into an array of its own; this is one
 * loop (loops/adadelta-loop.ts), bit for bit the ops' results, into three arrays from the pool —
 * shared ones cut across the idle shard workers (loops/split-loops.ts) when every input is shared
 * too (the summed gradients of a data-parallel step and the state this kernel wrote last step).
 *
 *   adadeltaStep(g, a, d) ─► PenxAdadelta ─► [u, a', d']   (the backend's float32 arrays)
 */
import { ADADELTA_KERNEL } from '../../../optim/index.ts';
import { tf } from '../../../tf.ts';
import { floatsOf, poolOf, tensorOf } from '../runtime/storage.ts';
import { sharedOutputs, splitAdadelta } from './loops/split-loops.ts';

/** Register PenxAdadelta on `backendName` (a host backend of the onnxruntime kernels); idempotent. */
export function registerAdadelta(backendName: string): void {
  if (tf.getKernel(ADADELTA_KERNEL, backendName)) return;
  tf.registerKernel({
    kernelName: ADADELTA_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as tf.KernelBackend;
      const { g, a, d } = inputs as { g: tf.TensorInfo; a: tf.TensorInfo; d: tf.TensorInfo };
      const [gv, av, dv] = [floatsOf(b, g), floatsOf(b, a), floatsOf(b, d)];
      if (!gv || !av || !dv || gv.length !== av.length || gv.length !== dv.length) {
        throw new Error(`${ADADELTA_KERNEL} takes float32 tensors of one shape on the host's storage`);
      }
      const n = gv.length;
      const pool = poolOf(b);
      const [u, aOut, dOut] = [0, 1, 2].map(() => (sharedOutputs(n) ? pool.takeShared(n) : pool.take(n))) as [Float32Array, Float32Array, Float32Array];
      const { rho, eps } = attrs as { rho: number; eps: number };
      splitAdadelta({ g: gv, a: av, d: dv, u, aOut, dOut }, { rho, eps });
      return [u, aOut, dOut].map((v) => tensorOf(b, [...g.shape], v));
    },
  });
}
