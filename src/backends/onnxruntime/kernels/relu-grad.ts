/**
 * The gradient of Relu as one kernel. TF.js computes it as dy · step(x): a Step kernel, an array
 * the size of the activation, then a Multiply — two passes over the activation and one array.
 * On the onnxruntime backend it is one ONNX Runtime session instead:
 *
 *   Relu's gradient (registered over TF.js's) ─► onnxruntime backend, float32, large ─► kernel PenxReluGrad
 *                                             └─► anything else ─► TF.js's own: dy · step(x)
 *   PenxReluGrad(dy, y) = dy · sign(y)   (Sign ─► Mul)
 *
 * It reads Relu's output y = relu(x), not its input (sign(y) = step(x) for every x, NaN
 * included: a NaN activation gives a NaN gradient, as TF.js's own — a max pool after the relu
 * can pass over the NaN and leave the loss finite, so a 0 there would hide the divergence), so
 * a deferred conv's pre-activation (deferred.ts) is never computed. One session instead of
 * Step and Multiply's two kernels and their intermediate array. When a tape records the backward pass
 * (a second derivative), TF.js's own formula runs on the saved input, which the tape can follow
 * (the saved input of a deferred conv is shared, not computed, until then).
 */
import { type Tensor, tf } from '../../../tf.ts';
import { reluGradGraph } from '../graphs/relu-grad-graph.ts';
import { runGraph } from '../runtime/run.ts';
import { gradientDepth } from '../runtime/tfjs-internals.ts';

/** The kernel's name, TF.js-style but namespaced. */
const RELU_GRAD = 'PenxReluGrad';

/**
 * Register PenxReluGrad on `backendName` and route Relu's gradient to it there for float32
 * tensors of at least `minElements` elements (smaller ones keep TF.js's two kernels).
 */
export function registerReluGrad(backendName: string, minElements: number): void {
  // Once per backend: a second registration would wrap this gradient in itself.
  if (tf.getKernel(RELU_GRAD, backendName)) return;
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      const out = runGraph(backend as tf.KernelBackend, `${RELU_GRAD}|${y.shape}`, () => reluGradGraph(y.shape), [dy, y])?.[0];
      if (!out) throw new Error(`${RELU_GRAD} takes float32 tensors on the host's storage`);
      return out;
    },
  });
  const reluGrad = (dy: Tensor, y: Tensor): Tensor => tf.engine().runKernel(RELU_GRAD, { dy, y }) as Tensor;
  const fused = (dy: Tensor, y: Tensor) => tf.getBackend() === backendName && dy.dtype === 'float32' && y.dtype === 'float32' && y.size >= minElements;
  const stock = tf.getGradient(tf.Relu);
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as Tensor[];
      // A tape recording this backward pass (a second derivative) reaches the saved input only:
      // TF.js's own formula then. A saved deferred input is shared, not computed, until read.
      if (!fused(dy as Tensor, y!) || gradientDepth() > 0) return stock.gradFunc(dy, [x!], attrs);
      return { x: () => reluGrad(dy as Tensor, y!) };
    },
  });
}
