/**
 * Conv2D, FusedConv2D, DepthwiseConv2dNative and FusedDepthwiseConv2D with `same` padding on wasm,
 * given to the stock kernel as explicit pads. The stock kernels pass XNNPACK its TensorFlow-SAME
 * flag, which misplaces the windows when one axis is padded and the other would need negative
 * padding (a filter smaller than the stride over an even size): e.g. x [1, 8, 8, 1] by a 3×1 filter
 * at stride 2 gave values off by ~1 against the cpu backend, silently (a depthwise one as well).
 * TF.js's own pads (computeConv2DInfo), given explicitly, give cpu's output:
 *
 *   pad 'same' ─► [[0, 0], [top, bottom], [left, right], [0, 0]] ─► the stock kernel
 *
 * Example: x [1, 7, 8, 1], filter [3, 1, 1, 1], stride 2 ─► top 1, bottom 1, left 0, right 0.
 */
import { tf } from '../tf.ts';

/** `stock` (a convolution or depthwise convolution on wasm, fused or not) with `same` padding replaced by TF.js's explicit pads. */
export function explicitSamePadding(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs as Record<string, unknown> | undefined;
    if (attrs?.['pad'] !== 'same' || attrs['dataFormat'] === 'NCHW') return stock(args);
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs['strides'] as number | [number, number],
      (attrs['dilations'] as number | [number, number] | undefined) ?? 1,
      'same',
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return stock({ ...args, attrs: { ...attrs, pad } as tf.NamedAttrMap });
  };
}
