/**
 * Running a cached ONNX graph on tensors of the host backend, with no copy either way:
 *
 *   inputs' Float32Arrays ─► session.run ─► Float32Arrays from the pool (ORT writes them) ─► host tensors
 *
 * `undefined` when the graph does not apply or an input is not float32: the caller then runs the
 * host's own kernel.
 */
import type { tf } from '../../tf.ts';
import { floatsOf, poolOf, tensorOf } from './host.ts';
import type { GraphSpec } from './onnx-model.ts';
import { cachedSession } from './sessions.ts';

/** Run the graph cached under `key` (built by `build` on first use) on `inputs`; its outputs as host tensors. */
export function runGraph(backend: tf.KernelBackend, key: string, build: () => GraphSpec | undefined, inputs: readonly tf.TensorInfo[]): tf.TensorInfo[] | undefined {
  const feeds: Float32Array[] = [];
  for (const t of inputs) {
    const f = floatsOf(backend, t);
    if (!f) return undefined;
    feeds.push(f);
  }
  const session = cachedSession(key, build);
  if (!session) return undefined;
  const pool = poolOf(backend);
  const outs = session.outputs.map((o) => pool.take(o.shape.reduce((p, q) => p * q, 1)));
  try {
    session.run(feeds, outs);
  } catch (e) {
    outs.forEach((o) => pool.giveBack(o));
    throw e;
  }
  return session.outputs.map((o, i) => tensorOf(backend, [...o.shape], outs[i]!));
}
