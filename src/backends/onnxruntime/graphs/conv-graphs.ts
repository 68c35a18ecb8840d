/**
 * ONNX graphs of a TF.js Conv2D and its input gradient, NHWC in and out (ONNX's Conv is NCHW):
 *
 *   forward   x ─► Transpose ─► Conv(w as OIHW, bias) ─► activation ─► Transpose ─► y
 *   dX        dy ─► Transpose ─► ConvTranspose(w as OIHW) ─► Transpose ─► dx
 *   1×1, stride 1, unpadded: a matrix product over pixels, no transpose (x [NHW, Ci] · w [Ci, Co])
 *
 * The transposes run inside the same session as the convolution: measured on conv2d_2 of the
 * reference model (batch 64, one thread) 19–23 ms with them against 16.4 ms for the NCHW Conv
 * alone, and slower (21–31 ms) for the transpose-free im2col + MatMul form in NHWC.
 */

import { type GraphSpec, int64s, type NodeSpec } from '../onnx/model.ts';
import { activationGraph } from './activation.ts';
import { type ConvGeometry, isPointwise } from './conv-geometry.ts';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** [kh, kw, ci, co] → [co, ci, kh, kw]: Conv's weight, and ConvTranspose's for the input gradient. */
const FILTER_TO_OIHW = [3, 2, 0, 1];

function convAttrs(g: ConvGeometry): NodeSpec['attrs'] {
  return { kernel_shape: [g.kh, g.kw], strides: g.strides, dilations: g.dilations, pads: g.pads };
}

/** y = activation(conv(x, w) + bias), NHWC; undefined for an activation ONNX lacks here. */
export function convForwardGraph(g: ConvGeometry, hasBias: boolean, activation?: string, leakyreluAlpha?: number): GraphSpec | undefined {
  const act = activationGraph(activation, 'z', 'a', leakyreluAlpha);
  if (!act) return undefined;
  const inputs = [
    { name: 'x', shape: [g.n, g.inH, g.inW, g.inC] },
    { name: 'w', shape: [g.kh, g.kw, g.inC, g.outC] },
    ...(hasBias ? [{ name: 'b', shape: [g.outC] }] : []),
  ];
  const outputs = [{ name: 'y', shape: [g.n, g.outH, g.outW, g.outC] }];
  if (isPointwise(g)) {
    return {
      inputs,
      outputs,
      constants: [int64s('rows', [g.n * g.inH * g.inW, g.inC]), int64s('w2', [g.inC, g.outC]), int64s('nhwc', outputs[0]!.shape), ...act.constants],
      nodes: [
        { op: 'Reshape', inputs: ['x', 'rows'], outputs: ['xr'] },
        { op: 'Reshape', inputs: ['w', 'w2'], outputs: ['wr'] },
        { op: 'MatMul', inputs: ['xr', 'wr'], outputs: ['p'] },
        ...(hasBias ? [{ op: 'Add', inputs: ['p', 'b'], outputs: ['z'] }] : [{ op: 'Identity', inputs: ['p'], outputs: ['z'] }]),
        ...act.nodes,
        { op: 'Reshape', inputs: ['a', 'nhwc'], outputs: ['y'] },
      ],
    };
  }
  return {
    inputs,
    outputs,
    constants: act.constants,
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: TO_NCHW } },
      { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attrs: { perm: FILTER_TO_OIHW } },
      { op: 'Conv', inputs: hasBias ? ['xt', 'wt', 'b'] : ['xt', 'wt'], outputs: ['z'], attrs: convAttrs(g) },
      ...act.nodes,
      { op: 'Transpose', inputs: ['a'], outputs: ['y'], attrs: { perm: TO_NHWC } },
    ],
  };
}

/** ConvTranspose's output_padding to reach the input's size exactly; undefined when ONNX cannot. */
function outputPadding(g: ConvGeometry): [number, number] | undefined {
  const extra = (size: number, out: number, k: number, s: number, d: number, before: number, after: number) =>
    size - (s * (out - 1) + d * (k - 1) + 1 - before - after);
  const ph = extra(g.inH, g.outH, g.kh, g.strides[0], g.dilations[0], g.pads[0], g.pads[2]);
  const pw = extra(g.inW, g.outW, g.kw, g.strides[1], g.dilations[1], g.pads[1], g.pads[3]);
  const ok = (p: number, s: number, d: number) => p >= 0 && p < Math.max(s, d);
  return ok(ph, g.strides[0], g.dilations[0]) && ok(pw, g.strides[1], g.dilations[1]) ? [ph, pw] : undefined;
}

/** dx of the conv from dy and w, NHWC; undefined when ONNX's ConvTranspose cannot give its size. */
export function convInputGradGraph(g: ConvGeometry): GraphSpec | undefined {
  const inputs = [
    { name: 'dy', shape: [g.n, g.outH, g.outW, g.outC] },
    { name: 'w', shape: [g.kh, g.kw, g.inC, g.outC] },
  ];
  const outputs = [{ name: 'dx', shape: [g.n, g.inH, g.inW, g.inC] }];
  if (isPointwise(g)) {
    return {
      inputs,
      outputs,
      constants: [int64s('rows', [g.n * g.outH * g.outW, g.outC]), int64s('w2', [g.inC, g.outC]), int64s('nhwc', outputs[0]!.shape)],
      nodes: [
        { op: 'Reshape', inputs: ['dy', 'rows'], outputs: ['dyr'] },
        { op: 'Reshape', inputs: ['w', 'w2'], outputs: ['wr'] },
        { op: 'Gemm', inputs: ['dyr', 'wr'], outputs: ['p'], attrs: { transB: 1 } },
        { op: 'Reshape', inputs: ['p', 'nhwc'], outputs: ['dx'] },
      ],
    };
  }
  const op = outputPadding(g);
  if (!op) return undefined;
  return {
    inputs,
    outputs,
    nodes: [
      { op: 'Transpose', inputs: ['dy'], outputs: ['dyt'], attrs: { perm: TO_NCHW } },
      { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attrs: { perm: FILTER_TO_OIHW } },
      { op: 'ConvTranspose', inputs: ['dyt', 'wt'], outputs: ['dxt'], attrs: { ...convAttrs(g), output_padding: op } },
      { op: 'Transpose', inputs: ['dxt'], outputs: ['dx'], attrs: { perm: TO_NHWC } },
    ],
  };
}
