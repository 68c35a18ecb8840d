/**
 * Replacing a host kernel by an ONNX Runtime one that may decline a case: the stock kernel
 * (captured when replaced) then runs it.
 */
import { tf } from '../../../tf.ts';

/** Named inputs of a kernel call. */
export type KernelInputs = Record<string, tf.TensorInfo | undefined>;
/** A kernel's attributes. */
export type KernelAttrs = Record<string, unknown>;
/** A kernel body: its result, or undefined to let the host's kernel compute it. */
export type OrtKernel = (inputs: KernelInputs, attrs: KernelAttrs, backend: tf.KernelBackend) => tf.TensorInfo | undefined;

/** One replaced kernel: its TF.js name and the body that runs it on ONNX Runtime (or declines). */
export interface OrtKernelConfig {
  readonly kernelName: string;
  readonly body: OrtKernel;
}

/** Replace `kernelName` on `backendName` by `body`, keeping the host kernel for what `body` declines. */
export function replaceKernel(backendName: string, kernelName: string, body: OrtKernel): void {
  const stock = tf.getKernel(kernelName, backendName);
  if (!stock) throw new Error(`the ${backendName} host has no ${kernelName} kernel`);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: (args) =>
      body(args.inputs as KernelInputs, (args.attrs ?? {}) as KernelAttrs, args.backend as tf.KernelBackend) ?? (stock.kernelFunc(args) as tf.TensorInfo),
  });
}

/** Elements of a tensor. */
export const sizeOf = (t: tf.TensorInfo): number => tf.util.sizeFromShape(t.shape);
