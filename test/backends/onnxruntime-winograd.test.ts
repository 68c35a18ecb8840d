/**
 * The Winograd graphs (src/backends/onnxruntime/winograd-graphs.ts) compute what the cpu backend
 * computes (relative error ≤ 1e-4) for F(2, 3) and F(4, 3), in one chunk and in several: the
 * forward with bias and activation, the input gradient and the filter gradient, over output
 * sizes that do and do not divide into tiles, `valid` and `same` padding, channel counts 8..128.
 * Then the same through TF.js's ops on the onnxruntime backend, where the kernels choose them,
 * including batches cut into chunks run one by one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { convGeometry } from '../../src/backends/onnxruntime/graphs/conv-geometry.ts';
import { filterGradGraph, forwardGraph, MAX_PIECE } from '../../src/backends/onnxruntime/graphs/conv-plans.ts';
import { winogradFilterGradGraph, winogradForwardGraph, winogradInputGradGraph } from '../../src/backends/onnxruntime/graphs/winograd-graphs.ts';
import { encodeModel, type GraphSpec } from '../../src/backends/onnxruntime/onnx/model.ts';
import { OrtSession } from '../../src/backends/onnxruntime/runtime/binding.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { type Tensor, tf } from '../../src/tf.ts';
import { on, relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11));

function run(g: GraphSpec, feeds: Float32Array[]): Float32Array {
  const s = new OrtSession(encodeModel(g), { intraOp: 1, spinning: false }, g.inputs, g.outputs);
  const out = new Float32Array(g.outputs[0]!.shape.reduce((a, b) => a * b, 1));
  s.run(feeds, [out]);
  s.dispose();
  return out;
}

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 1 });
});

describe('Winograd graphs = the cpu backend', () => {
  type Case = [n: number, size: number, cin: number, cout: number, pad: 'valid' | 'same'];
  const cases: Case[] = [
    [3, 26, 8, 16, 'valid'], // 24×24 out: whole F(4, 3) and F(2, 3) tiles
    [2, 12, 16, 8, 'valid'], // 10×10: F(4, 3) leaves a part tile
    [3, 7, 8, 8, 'same'], // 7×7, padded
    [2, 5, 128, 32, 'same'],
    [1, 3, 8, 8, 'valid'], // a 1×1 output
  ];
  it.each(cases)('batch %i, %ipx, %i→%i channels, %s: y (bias, relu), dx, dw for m = 2 and 4, in 1 and 2 chunks', async (n, size, cin, cout, pad) => {
    const x = data(n * size * size * cin, 1);
    const w = data(9 * cin * cout, 2);
    const b = data(cout, 3);
    const g = convGeometry([n, size, size, cin], [3, 3, cin, cout], { strides: 1, pad })!;
    const dy = data(n * g.outH * g.outW * cout, 4);
    const [y, dx, dw] = await on('cpu', () => {
      const [xt, wt] = [tf.tensor4d(x, [n, size, size, cin]), tf.tensor4d(w, [3, 3, cin, cout])];
      const dyt = tf.tensor4d(dy, [n, g.outH, g.outW, cout]);
      const [gx, gw] = tf.grads((a: Tensor, k: Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, pad), dyt)))([xt, wt]);
      return [tf.relu(tf.add(tf.conv2d(xt, wt, 1, pad), b)), gx!, gw!];
    });
    for (const m of [2, 4] as const) {
      for (const chunk of [n, Math.max(1, n - 1)]) {
        const plan = { m, chunk };
        const label = `F(${m}, 3) in chunks of ${chunk}`;
        expect(relErr(y!, run(winogradForwardGraph(g, plan, true, 'relu')!, [x, w, b])), `y, ${label}`).toBeLessThan(1e-4);
        expect(relErr(dx!, run(winogradInputGradGraph(g)(plan), [dy, w])), `dx, ${label}`).toBeLessThan(1e-4);
        expect(relErr(dw!, run(winogradFilterGradGraph(g, plan), [x, dy])), `dw, ${label}`).toBeLessThan(1e-4);
      }
    }
  });
});

describe('convolutions the kernels run by Winograd, through TF.js = on cpu', () => {
  it.each([
    [MAX_PIECE + 3, 6, 3, 4, 'valid'], // direct, in pieces of MAX_PIECE samples (forward and input gradient)
    [40, 26, 8, 8, 'valid'], // Winograd, in chunks of the batch run one by one
    [2, 16, 32, 64, 'valid'], // channels of the reference model's conv2d_2
    [4, 9, 64, 16, 'same'],
  ] as const)('batch %i, %ipx, %i→%i channels, %s: y, dx, dw', async (n, size, cin, cout, pad) => {
    const x = data(n * size * size * cin, 5);
    const w = data(9 * cin * cout, 6);
    const f = () => {
      const [xt, wt] = [tf.tensor4d(x, [n, size, size, cin]), tf.tensor4d(w, [3, 3, cin, cout])];
      const g = tf.grads((a: Tensor, k: Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, pad);
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      });
      return [tf.conv2d(xt, wt, 1, pad), ...g([xt, wt])];
    };
    const cpu = await on('cpu', f);
    const ort = await on('onnxruntime', f);
    cpu.forEach((c, i) => expect(relErr(c, ort[i]!), `output ${i}`).toBeLessThan(1e-4));
  });
});

describe('the filter gradient on whole F(4, 3) tiles reads x as the forward does', () => {
  /** The Gathers of x's taps in a graph (the index constants' contents), and the graph's F(4, 3) or F(2, 3) input transform. */
  const xTaps = (g: GraphSpec): string[] => {
    const flat = g.nodes.find((n) => n.op === 'Reshape' && n.inputs[0] === 'x')!.outputs[0];
    const consts = new Map((g.constants ?? []).map((c) => [c.name, Array.from(c.values as Int32Array).join(',')]));
    return g.nodes.filter((n) => n.op === 'Gather' && n.inputs[0] === flat).map((n) => consts.get(n.inputs[1]!)!);
  };
  it.each([
    [64, 26, 32, 64, 'valid', true], // conv2d_2 of the reference model: 24×24 out
    [64, 12, 64, 128, 'valid', false], // conv2d_3: 10×10 out, part tiles: F(2, 3), nothing shared
  ] as const)('batch %i, %ipx, %i→%i, %s: shared %s', (n, size, cin, cout, pad, shared) => {
    const g = convGeometry([n, size, size, cin], [3, 3, cin, cout], { strides: 1, pad })!;
    const fwd = xTaps(forwardGraph(g, true, 'relu')!);
    const dw = xTaps(filterGradGraph(g, true));
    expect(dw.length).toBeGreaterThan(1);
    expect(dw.every((taps) => fwd.includes(taps))).toBe(shared);
  });
});
