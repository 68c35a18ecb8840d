/**
 * The `onnxruntime` backend: TF.js keeps autograd, the small ops and the optimisers; the heavy
 * kernels run on ONNX Runtime's CPU kernels (MLAS), through onnxruntime-node's native binding.
 *
 *   startOnnxruntime(threads)
 *     ─► binding.ts   load onnxruntime-node's binding (throws when it is not installed)
 *     ─► host.ts      TF.js backend 'onnxruntime' = a cpu backend instance + the cpu kernels
 *     ─► kernels.ts   Conv2D, FusedConv2D, Conv2DBackprop{Input,Filter}, BatchMatMul, _FusedMatMul
 *                       replaced by ONNX graphs (conv-graphs.ts, filter-grad-graph.ts, matmul-graph.ts,
 *                       built with onnx-model.ts), one cached session per shape (sessions.ts),
 *                       run synchronously on the host's arrays (run.ts)
 *     ─► large-ops.ts elementwise ops and Sum on large tensors, MaxPool and MaxPoolGrad, likewise
 *     ─► tf.setBackend('onnxruntime')
 *
 * Threads: `intraOp` ORT threads per session; 1 in data-parallel shard workers, idle threads
 * sleeping rather than spinning, so two workers share two cores without stealing them.
 */
import { tf } from '../../tf.ts';
import { loadBinding, type SessionThreads } from './binding.ts';
import { registerHostBackend } from './host.ts';
import { registerOrtKernels } from './kernels.ts';
import { registerLargeTensorKernels } from './large-ops.ts';
import { setSessionThreads } from './sessions.ts';

/** The TF.js name of the backend. */
export const ORT_BACKEND = 'onnxruntime';

let registered = false;

/** Load ONNX Runtime, register the backend (once) and make it TF.js's current one; throws when ONNX Runtime does not load. */
export async function startOnnxruntime(threads: SessionThreads): Promise<void> {
  loadBinding();
  if (!registered) {
    registerHostBackend(ORT_BACKEND);
    registerOrtKernels(ORT_BACKEND);
    registerLargeTensorKernels(ORT_BACKEND);
    registered = true;
  }
  setSessionThreads(threads);
  if (!(await tf.setBackend(ORT_BACKEND))) throw new Error(`TF.js could not start the ${ORT_BACKEND} backend`);
}

export { clearSessions, sessionCount } from './sessions.ts';
