/**
 * The gradients of DepthwiseConv2D (and SeparableConv2D's depthwise step) for the WebAssembly
 * backend, which stock `@tensorflow/tfjs-backend-wasm` lacks (`DepthwiseConv2dNativeBackpropInput`,
 * `DepthwiseConv2dNativeBackpropFilter`). Both are stock wasm kernels composed, no loop of ours. For
 * x [N,H,W,C], filter w [Kh,Kw,C,M] (channel multiplier M), stride s, padding (top, left), and
 * dy [N,Oh,Ow,C·M] (output channel c·M + m is input channel c through w[·,·,c,m]):
 *
 *   dX[n,h,w,c]  = Σ_m conv(dy dilated by s and padded by K−1−top, w flipped in space)[n,h,w,c·M+m]
 *                  (one DepthwiseConv2dNative at multiplier 1 over C·M channels, then a Sum over m)
 *   dW[i,j,c,m]  = Σ_{n,y,x} xp[n, i + s·y, j + s·x, c] · dy[n,y,x,c·M+m]
 *                  (xp: x padded by top/left; per tap (i, j): a strided slice of xp, a Multiply
 *                  broadcast over m, a Sum over n, y, x — Kh·Kw rounds, each the size of dy)
 *
 * NHWC (TF.js's depthwise kernels have no other), dilation 1 (TF.js's gradient refuses more, and so
 * does `checkDifferentiable` before training); 'same', 'valid' and explicit pads, any stride.
 *
 * @example
 * // x [1, 4, 4, 1] of ones, w [3, 3, 1, 1], 'valid', dy of ones [1, 2, 2, 1]: dW = 4 at every tap, as on cpu
 */
import { tf } from '../tf.ts';
import { cropTo, spreadForFullCorrelation } from './conv-grads.ts';
import { withScope } from './kernel-scope.ts';

type TensorInfo = tf.TensorInfo;

/** A depthwise gradient kernel's attributes, as TF.js passes them. */
interface DepthwiseAttrs {
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dilations?: number | [number, number];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The depthwise convolution's geometry; dilation 1 only (see the file's comment). */
function depthwiseInfo(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs): tf.backend_util.Conv2DInfo {
  const [x4, f4] = [xShape, filterShape] as [number, number, number, number][];
  const info = tf.backend_util.computeConv2DInfo(x4!, f4!, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1)
    throw new Error(`the wasm depthwise convolution gradients support dilation 1 only, got ${info.dilationHeight}×${info.dilationWidth}`);
  return info;
}

/** The wasm `DepthwiseConv2dNativeBackpropInput` kernel: dX (see the file's comment). */
export const wasmDepthwiseBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const info = depthwiseInfo(a.inputShape, filter.shape, a);
  const [n, h, w, c] = a.inputShape as [number, number, number, number];
  const [kh, kw, , m] = filter.shape as [number, number, number, number];
  return withScope(backend as tf.KernelBackend, 'wasm', (s) => {
    const { d, pad } = spreadForFullCorrelation(s, dy, info);
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const perChannel = s.run('Reshape', { x: flipped }, { shape: [kh, kw, c * m, 1] });
    const r = s.run('DepthwiseConv2dNative', { x: d, filter: perChannel }, { strides: [1, 1], pad, dilations: [1, 1] });
    const cropped = cropTo(s, r, [n, h, w, c * m]);
    if (m === 1) return cropped;
    const split = s.run('Reshape', { x: cropped }, { shape: [n, h, w, c, m] });
    return s.run('Sum', { x: split }, { axis: [4], keepDims: false });
  });
};

/** The wasm `DepthwiseConv2dNativeBackpropFilter` kernel: dW (see the file's comment). */
export const wasmDepthwiseBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const info = depthwiseInfo(x.shape, a.filterShape, a);
  const { batchSize: n, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const m = a.filterShape[3]!;
  const { top, left } = info.padInfo;
  // Enough after for the last window (more than TF.js's pads only under dimRoundingMode 'ceil').
  const bottom = Math.max(info.padInfo.bottom, (oh - 1) * sh + kh - info.inHeight - top);
  const right = Math.max(info.padInfo.right, (ow - 1) * sw + kw - info.inWidth - left);
  return withScope(backend as tf.KernelBackend, 'wasm', (s) => {
    const padded = top || bottom || left || right;
    const xp = padded
      ? s.run(
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : x;
    const dy5 = s.run('Reshape', { x: dy }, { shape: [n, oh, ow, c, m] });
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const end = [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c];
        const xs = s.run(
          'StridedSlice',
          { x: xp },
          { begin: [0, i, j, 0], end, strides: [1, sh, sw, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
        );
        const xs5 = s.run('Reshape', { x: xs }, { shape: [n, oh, ow, c, 1] });
        const prod = s.run('Multiply', { a: xs5, b: dy5 });
        const tap = s.run('Sum', { x: prod }, { axis: [0, 1, 2], keepDims: true });
        taps.push(tap);
      }
    }
    // Concat takes its inputs as a list; taps [1,1,1,C,M] in row-major (i, j) order.
    const all = s.run('Concat', taps as unknown as Record<string, TensorInfo>, { axis: 0 });
    return s.run('Reshape', { x: all }, { shape: [kh, kw, c, m] });
  });
};
