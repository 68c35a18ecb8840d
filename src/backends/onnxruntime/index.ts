/**
 * The `onnxruntime` backend: TF.js keeps autograd, the small ops and the optimisers; the heavy
 * kernels run on ONNX Runtime's CPU kernels (MLAS), through onnxruntime-node's native binding.
 *
 *   startOnnxruntime(threads)
 *     ─► binding.ts   load onnxruntime-node's binding (throws when it is not installed)
 *     ─► host.ts      TF.js backend 'onnxruntime' = a cpu backend instance + the cpu kernels,
 *                       its pool of output arrays (buffer-pool.ts) and deferred convs (deferred.ts)
 *     ─► kernels.ts   Conv2D, FusedConv2D, Conv2DBackprop{Input,Filter}, BatchMatMul, _FusedMatMul
 *                       replaced by ONNX graphs, chosen per shape (conv-plans.ts): Winograd F(4, 3) /
 *                       F(2, 3) for 3×3 stride-1 convs (winograd-graphs.ts), else ONNX Runtime's Conv
 *                       (conv-graphs.ts, filter-grad-graph.ts); matmul-graph.ts; all built with
 *                       onnx-model.ts, one cached session per shape (sessions.ts), run synchronously on
 *                       the host's arrays, a batch in pieces where that pays (run.ts)
 *     ─► light-kernels.ts  elementwise ops, Sum, MaxPool, MaxPoolGrad (pool-loops.ts), Relu's gradient
 *                       (relu-grad.ts): ONNX Runtime for large tensors, loops over the host's arrays for
 *                       small broadcasts; a training-time Conv2D ─► bias Add ─► Relu fused into one run
 *     ─► tf.setBackend('onnxruntime')
 *
 * Threads: `intraOp` ORT threads per session; 1 in data-parallel shard workers, idle threads
 * sleeping rather than spinning, so two workers share two cores without stealing them.
 */
import { tf } from '../../tf.ts';
import { ORT_BACKEND } from '../choices.ts';
import { loadBinding, type SessionThreads } from './binding.ts';
import { registerHostBackend } from './host.ts';
import { registerOrtKernels } from './kernels.ts';
import { registerLightKernels } from './light-kernels.ts';
import { setSessionThreads } from './sessions.ts';


let registered = false;

/** Load ONNX Runtime, register the backend (once) and make it TF.js's current one; throws when ONNX Runtime does not load. */
export async function startOnnxruntime(threads: SessionThreads): Promise<void> {
  loadBinding();
  if (!registered) {
    registerHostBackend(ORT_BACKEND);
    registerOrtKernels(ORT_BACKEND);
    registerLightKernels(ORT_BACKEND);
    registered = true;
  }
  setSessionThreads(threads);
  if (!(await tf.setBackend(ORT_BACKEND))) throw new Error(`TF.js could not start the ${ORT_BACKEND} backend`);
}

export { sessionCount } from './sessions.ts';
export { ORT_BACKEND };
