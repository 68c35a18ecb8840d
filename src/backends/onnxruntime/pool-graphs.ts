/**
 * ONNX graphs of TF.js's MaxPool and its gradient, NHWC in and out (ONNX's MaxPool is NCHW):
 *
 *   MaxPool      x ─► Transpose ─► MaxPool ─► Transpose ─► y
 *   MaxPoolGrad  x ─► Transpose ─► MaxPool ─► indices of each window's maximum (flat over NCHW)
 *                dy ─► Transpose ─► ScatterElements(add) into zeros at those indices ─► Transpose ─► dx
 *
 * ONNX Runtime's MaxPool keeps the first maximum of a window in row-major order (a strictly
 * greater value replaces it), as TF.js's kernels do, so ties (zeros after a ReLU) go to the same
 * input. Adding (not overwriting) makes overlapping windows right too.
 */
import type { ConvGeometry } from './conv-geometry.ts';
import { int64s, type GraphSpec } from './onnx-model.ts';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

function poolAttrs(g: ConvGeometry) {
  return { kernel_shape: [g.kh, g.kw], strides: g.strides, pads: g.pads };
}

/** y = maxPool(x), NHWC. */
export function maxPoolGraph(g: ConvGeometry): GraphSpec {
  return {
    inputs: [{ name: 'x', shape: [g.n, g.inH, g.inW, g.inC] }],
    outputs: [{ name: 'y', shape: [g.n, g.outH, g.outW, g.outC] }],
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: TO_NCHW } },
      { op: 'MaxPool', inputs: ['xt'], outputs: ['yt'], attrs: poolAttrs(g) },
      { op: 'Transpose', inputs: ['yt'], outputs: ['y'], attrs: { perm: TO_NHWC } },
    ],
  };
}

/** dx of maxPool from dy and x, NHWC. */
export function maxPoolGradGraph(g: ConvGeometry): GraphSpec {
  const inSize = g.n * g.inC * g.inH * g.inW;
  return {
    inputs: [
      { name: 'dy', shape: [g.n, g.outH, g.outW, g.outC] },
      { name: 'x', shape: [g.n, g.inH, g.inW, g.inC] },
    ],
    outputs: [{ name: 'dx', shape: [g.n, g.inH, g.inW, g.inC] }],
    constants: [int64s('flat', [-1]), int64s('size', [inSize]), int64s('nchw', [g.n, g.inC, g.inH, g.inW])],
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: TO_NCHW } },
      { op: 'MaxPool', inputs: ['xt'], outputs: ['yt', 'at'], attrs: poolAttrs(g) },
      { op: 'Reshape', inputs: ['at', 'flat'], outputs: ['where'] },
      { op: 'Transpose', inputs: ['dy'], outputs: ['dyt'], attrs: { perm: TO_NCHW } },
      { op: 'Reshape', inputs: ['dyt', 'flat'], outputs: ['updates'] },
      { op: 'ConstantOfShape', inputs: ['size'], outputs: ['zeros'] },
      { op: 'ScatterElements', inputs: ['zeros', 'where', 'updates'], outputs: ['sums'], attrs: { axis: 0, reduction: 'add' } },
      { op: 'Reshape', inputs: ['sums', 'nchw'], outputs: ['dxt'] },
      { op: 'Transpose', inputs: ['dxt'], outputs: ['dx'], attrs: { perm: TO_NHWC } },
    ],
  };
}
