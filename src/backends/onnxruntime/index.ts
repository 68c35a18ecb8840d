/**
 * The `onnxruntime` backend: TF.js keeps autograd, the small ops and the optimisers; the heavy
 * kernels run on ONNX Runtime's CPU kernels (MLAS), through onnxruntime-node's native binding;
 * and a model made of the layers it knows trains through one fused ONNX graph per step.
 *
 *   startOnnxruntime(threads)
 *     ─► runtime/   binding.ts: onnxruntime-node's binding (throws when it is not installed);
 *                   host.ts: TF.js backend 'onnxruntime' = a cpu backend instance + the cpu kernels,
 *                   with its pool of output arrays (buffer-pool.ts) and deferred convs (deferred.ts);
 *                   storage.ts: tensors' arrays, no copy; sessions.ts: one cached session per graph;
 *                   run.ts: a graph run on the host's arrays; tfjs-internals.ts: every TF.js
 *                   internal the backend uses, checked by a contract test
 *     ─► kernels/   one replaced TF.js kernel per file (kernels/index.ts lists them)
 *     ─► graphs/    the ONNX graphs they run: Winograd F(4, 3) / F(2, 3) for 3×3 stride-1 convs,
 *                   ONNX Runtime's Conv otherwise, the filter gradient as a long-K product, matrix
 *                   products, pooling, elementwise ops (conv-plans.ts chooses per shape)
 *     ─► onnx/      graphs built node by node (builder.ts) and encoded as ONNX models (model.ts)
 *     ─► tf.setBackend('onnxruntime')
 *   fused/          one graph per training step (forward, loss, backward of every layer), chosen by
 *                   parallel/gradients-for.ts for the models it expresses
 *
 * Threads: `intraOp` ORT threads per session; 1 in data-parallel shard workers, idle threads
 * sleeping rather than spinning, so two workers share two cores without stealing them. The fused
 * graph runs on all of the run's threads.
 */
import { tf } from '../../tf.ts';
import { ORT_BACKEND } from '../choices.ts';
import { registerOrtKernels } from './kernels/index.ts';
import { loadBinding, type SessionThreads } from './runtime/binding.ts';
import { registerHostBackend } from './runtime/host.ts';
import { setSessionThreads } from './runtime/sessions.ts';

let registered = false;

/** Load ONNX Runtime, register the backend (once) and make it TF.js's current one; throws when ONNX Runtime does not load. */
export async function startOnnxruntime(threads: SessionThreads): Promise<void> {
  loadBinding();
  if (!registered) {
    registerHostBackend(ORT_BACKEND);
    registerOrtKernels(ORT_BACKEND);
    registered = true;
  }
  setSessionThreads(threads);
  if (!(await tf.setBackend(ORT_BACKEND))) throw new Error(`TF.js could not start the ${ORT_BACKEND} backend`);
}

export { FusedGradients } from './fused/strategy.ts';
export { sessionCount } from './runtime/sessions.ts';
export { silenceAdvert } from './runtime/tfjs-internals.ts';
export { ORT_BACKEND };
