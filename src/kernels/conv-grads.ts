/**
 * The input gradient of Conv2D as a forward convolution, so it runs on the backend's fast Conv2D
 * path (XNNPACK on wasm). For dy [N,Oh,Ow,Co], filter w [Kh,Kw,Ci,Co], stride s, padding (top, left):
 *
 *   dX = conv( dy dilated by s and padded by K−1−top,  w flipped in space, [Kh,Kw,Co,Ci] )
 *
 * NHWC only, dilation 1 (the reference model's case; Keras's default).
 */
import { UsageError } from '../errors.ts';
import { tf } from '../tf.ts';
import { type KernelScope, withScope } from './kernel-scope.ts';

type TensorInfo = tf.TensorInfo;

/** A Conv2D kernel's attributes, as TF.js passes them. */
export interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The convolution's geometry; NHWC only (a UsageError for NCHW: a layer's dataFormat channelsFirst). */
export function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW')
    throw new UsageError('wasm training kernels support dataFormat NHWC (channelsLast) only; build the layer channelsLast, or train on another backend');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** Slice `info` to `size` if it is larger (a no-op otherwise). */
export function cropTo(s: KernelScope, info: TensorInfo, size: number[]): TensorInfo {
  if (info.shape.every((d, i) => d === size[i])) return info;
  return s.run('Slice', { x: info }, { begin: size.map(() => 0), size });
}

/**
 * dy [N,Oh,Ow,Co] dilated by the stride and cut or padded so that a stride-1 correlation of it with
 * the flipped filter, by the pads returned, covers dX [N,H,W,·] (see the file's comment):
 * K−1−top before, enough after. Shared by Conv2D's and DepthwiseConv2D's input gradients.
 */
export function spreadForFullCorrelation(
  s: KernelScope,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): { d: TensorInfo; pad: tf.backend_util.ExplicitPadding } {
  const { batchSize: n, inHeight: h, inWidth: w, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const [, oh, ow, co] = dy.shape as [number, number, number, number];
  // Dilate dy by the stride: [N,Oh,Ow,Co] → [N,Oh,1,Ow,1,Co] → pad → [N,Oh·sh,Ow·sw,Co].
  let d = dy;
  if (sh > 1 || sw > 1) {
    const six = s.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, co] });
    const padded = s.run(
      'PadV2',
      { x: six },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    d = s.run('Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, co] });
  }
  // Full correlation with the flipped filter: pad K−1−top before; enough after to cover H.
  const before = [kh - 1 - info.padInfo.top, kw - 1 - info.padInfo.left];
  const begin = before.map((b) => Math.max(0, -b));
  if (begin[0]! > 0 || begin[1]! > 0) {
    d = s.run('Slice', { x: d }, { begin: [0, begin[0], begin[1], 0], size: [n, d.shape[1]! - begin[0]!, d.shape[2]! - begin[1]!, co] });
  }
  const padTop = Math.max(0, before[0]!);
  const padLeft = Math.max(0, before[1]!);
  const padBottom = Math.max(0, h + kh - 1 - padTop - d.shape[1]!);
  const padRight = Math.max(0, w + kw - 1 - padLeft - d.shape[2]!);
  return {
    d,
    pad: [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ],
  };
}

/**
 * dX [N, H, W, Ci] of a Conv2D as the forward convolution of dy dilated and padded with the flipped
 * filter (see the file's comment), run by `backendName`'s own kernels.
 */
export function conv2dBackpropInput(
  backend: tf.KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: number[],
  attrs: ConvAttrs,
): TensorInfo {
  const info = convInfo(inputShape, filter.shape, attrs);
  return withScope(backend, backendName, (s) => {
    const { d, pad } = spreadForFullCorrelation(s, dy, info);
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wT = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    const r = s.run('Conv2D', { x: d, filter: wT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
    return cropTo(s, r, inputShape);
  });
}
