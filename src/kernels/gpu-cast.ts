/**
 * TF.js 4.22's webgl and webgpu `Cast` to a wider type — bool → int32 or float32, int32 → float32 —
 * shares the input's data as cpu's does (cpu-cast.ts): the new tensor is the input's texture (or
 * buffer), and its values once read back, under the new dtype. The read-back converts to the
 * *input's* dtype, so a float32 tensor made this way is an Int32Array or a Uint8Array when it leaves
 * the GPU backend, and wasm, whose upload takes the array's bytes as they are, reads 1 as 1.4e-45
 * (and four bools as one denormal): labels made on webgl with `tf.cast(tf.greater(x, 0), 'float32')`
 * and trained on wasm gave `fit` wrong losses and accuracy without a word. This kernel gives such a cast data of its own and leaves every
 * other cast to the stock kernel:
 *
 *   cast(x: bool | int32, float32) = floor(x read as float32)    cast(x: bool, int32) = floor(x read as int32)
 *
 * the backend's own `Floor` kernel, exact on whole numbers, run on a view of the input under the new
 * dtype: on the GPU it writes a texture (buffer) of that dtype (one pass, where the stock cast took
 * none), on the CPU (a small tensor not yet uploaded) an array of it.
 *
 * @example
 * fixGpuCast();   // once; the library does it on import (fixGpuKernels)
 * tf.cast(tf.tensor1d([1, 2], 'int32'), 'float32')   // on webgl: data of its own, read right on wasm
 */
import { tf } from '../tf.ts';
import { widens } from './cpu-cast.ts';

/** The GPU backend's Cast: a widening cast as `floor` of a view of the input under the new dtype, anything else by `stock`. */
function castOwningData(stock: tf.KernelFunc, floor: tf.KernelFunc): tf.KernelFunc {
  const kernel: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    if (!widens(x.dtype, dtype)) return stock(args);
    return floor({ inputs: { x: { dataId: x.dataId, shape: x.shape, dtype } }, backend: args.backend, attrs: {} });
  };
  owning.add(kernel);
  return kernel;
}

/** The kernels this file registered, so a second call leaves them be. */
const owning = new WeakSet<tf.KernelFunc>();

/**
 * Replace the `Cast` of webgl and webgpu, each whose kernels are registered, with one that gives a
 * widening cast data of its own (see the file's comment); idempotent.
 */
export function fixGpuCast(): void {
  for (const backendName of ['webgl', 'webgpu']) {
    const stock = tf.getKernel(tf.Cast, backendName);
    const floor = tf.getKernel(tf.Floor, backendName);
    if (!stock || !floor || owning.has(stock.kernelFunc)) continue;
    tf.unregisterKernel(tf.Cast, backendName);
    tf.registerKernel({ ...stock, kernelFunc: castOwningData(stock.kernelFunc, floor.kernelFunc) });
  }
}
