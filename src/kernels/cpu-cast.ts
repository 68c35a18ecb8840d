/**
 * TF.js 4.22's cpu `Cast` to a wider type — bool → int32 or float32, int32 → float32 — does not
 * convert: the new tensor shares the input's typed array under the new dtype, a `float32` tensor
 * backed by a Uint8Array or an Int32Array. cpu reads it right, but wasm, whose upload takes the
 * array's bytes as they are, reads 1 as 1.4e-45 (and four bools as one denormal): labels made on
 * cpu with `tf.cast(tf.greater(x, 0), 'float32')` and trained on wasm gave `fit` wrong losses and
 * accuracy without a word. This kernel gives such a cast an array of its own dtype and leaves every
 * other cast to the stock kernel:
 *
 *   cast(x: bool | int32, float32) = Float32Array.from(x)    cast(x: bool, int32) = Int32Array.from(x)
 *
 * @example
 * fixCpuCast();   // once; the library does it on import (fixCpuKernels)
 * tf.cast(tf.tensor1d([1, 2], 'int32'), 'float32')   // on cpu: values a Float32Array [1, 2], read right on wasm
 */
import { tf } from '../tf.ts';

/** cpu's storage, as far as a cast reads and writes it. */
interface CpuStorage {
  data: { get(dataId: object): { values?: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

/** Whether TF.js's cpu (and webgl's and webgpu's, gpu-cast.ts) Cast would share `from`'s data under `to` (a widening it does not convert). */
export const widens = (from: tf.DataType, to: tf.DataType): boolean =>
  (to === 'float32' && (from === 'int32' || from === 'bool')) || (to === 'int32' && from === 'bool');

/** The cpu Cast: a widening cast converted into an array of its dtype, anything else by `stock`. */
function castOwningValues(stock: tf.KernelFunc): tf.KernelFunc {
  const kernel: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    const values = widens(x.dtype, dtype) ? (args.backend as unknown as CpuStorage).data.get(x.dataId).values : undefined;
    if (!values) return stock(args);
    return (args.backend as unknown as CpuStorage).makeTensorInfo(x.shape, dtype, dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values));
  };
  owning.add(kernel);
  return kernel;
}

/** The kernels this file registered, so a second call leaves them be. */
const owning = new WeakSet<tf.KernelFunc>();

/** Replace the cpu backend's `Cast` with one that converts a widening cast (see the file's comment); idempotent. */
export function fixCpuCast(): void {
  const stock = tf.getKernel(tf.Cast, 'cpu');
  if (!stock || owning.has(stock.kernelFunc)) return;
  tf.unregisterKernel(tf.Cast, 'cpu');
  tf.registerKernel({ ...stock, kernelFunc: castOwningValues(stock.kernelFunc) });
}
