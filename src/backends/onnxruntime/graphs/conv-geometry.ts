/**
 * A TF.js Conv2D's (or 2-D pooling's) geometry in ONNX terms: NHWC shapes as TF.js sees them, pads and strides as
 * ONNX's NCHW Conv and ConvTranspose take them. `undefined` when ONNX would size the output
 * differently (a rounding mode ONNX lacks), so the caller falls back to the host's kernel.
 */
import { tf } from '../../../tf.ts';

/** The attributes shared by TF.js's Conv2D kernels. */
export interface TfConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat?: 'NHWC' | 'NCHW';
  readonly dilations?: number | [number, number];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Everything a graph builder needs, NHWC. */
export interface ConvGeometry {
  readonly n: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kh: number;
  readonly kw: number;
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** ONNX order: [top, left, bottom, right]. */
  readonly pads: [number, number, number, number];
}

/** Geometry of a conv with input `xShape` (NHWC) and filter `filterShape` [kh, kw, ci, co]. */
export function convGeometry(xShape: readonly number[], filterShape: readonly number[], attrs: TfConvAttrs): ConvGeometry | undefined {
  if (attrs.dataFormat === 'NCHW' || xShape.length !== 4 || filterShape.length !== 4) return undefined;
  return geometryOf(
    tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    ),
  );
}

/** The attributes of TF.js's MaxPool and MaxPoolGrad kernels. */
export interface TfPoolAttrs {
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Geometry of a 2-D pooling of an NHWC input (outC = inC). */
export function poolGeometry(xShape: readonly number[], attrs: TfPoolAttrs): ConvGeometry | undefined {
  if (xShape.length !== 4) return undefined;
  return geometryOf(
    tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode),
  );
}

/** `info` in ONNX terms; undefined when ONNX would size the output differently or a size is 0. */
function geometryOf(info: tf.backend_util.Conv2DInfo): ConvGeometry | undefined {
  const { top, left, bottom, right } = info.padInfo;
  const g: ConvGeometry = {
    n: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pads: [top, left, bottom, right],
  };
  const onnxOut = (size: number, before: number, after: number, k: number, s: number, d: number) =>
    Math.floor((size + before + after - (d * (k - 1) + 1)) / s) + 1;
  const sizesAgree =
    onnxOut(g.inH, top, bottom, g.kh, g.strides[0], g.dilations[0]) === g.outH && onnxOut(g.inW, left, right, g.kw, g.strides[1], g.dilations[1]) === g.outW;
  const positive = [g.n, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC].every((d) => d > 0) && [top, left, bottom, right].every((p) => p >= 0);
  return sizesAgree && positive ? g : undefined;
}

/** Whether the conv is a plain matrix product over pixels: 1×1 filter, stride 1, no padding. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.strides.every((s) => s === 1) && g.pads.every((p) => p === 0);
}

/** A cache key part naming every shape and attribute of the conv. */
export function geometryKey(g: ConvGeometry): string {
  return [g.n, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, ...g.strides, ...g.dilations, ...g.pads].join(',');
}
