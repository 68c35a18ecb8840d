/**
 * The gradient of Relu from its output, as one graph (kernels/relu-grad.ts): dx = dy · sign(y).
 * y = relu(x) is ≥ 0 or NaN, so sign(y) is TF.js's step(x): 1 where x > 0, 0 where x ≤ 0, and
 * NaN where x is NaN (ONNX's Sign keeps NaN), so a NaN activation gives a NaN gradient, as on the
 * cpu backend. Example: y = [0, 2, NaN], dy = [5, 5, 5] ─► dx = [0, 5, NaN].
 */
import type { GraphSpec } from '../onnx/model.ts';

/** dx = dy · sign(y) for tensors of `shape` (y a Relu's output). */
export function reluGradGraph(shape: readonly number[]): GraphSpec {
  return {
    inputs: [
      { name: 'dy', shape },
      { name: 'y', shape },
    ],
    outputs: [{ name: 'dx', shape }],
    // Its step is as large as the activation: the arena keeps it between runs.
    arena: true,
    nodes: [
      { op: 'Sign', inputs: ['y'], outputs: ['step'] },
      { op: 'Mul', inputs: ['dy', 'step'], outputs: ['dx'] },
    ],
  };
}
