/**
 * Each batch's Σ λ·penalty — the step's `penaltyLoss`, the record's `batchLosses.penalty`, and the
 * epoch's mean over its batches (TF.js's logged `loss` less `trainLoss`) — is summed in float64
 * from partial sums of at most 256 entries (penalty-parts.ts), not by the backend's float32 sum
 * over every weight. On wasm a Dense 1000×1000 of weights 1e-3 under L1 gave 991.14 per batch
 * (0.9 % low) against the float64 closed form Σ|w| = 10⁶·fround(1e-3) = 1000.0000475.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FusedGradients } from '../../src/backends/onnxruntime/index.ts';
import { fit, penalty, tf, trainStep } from '../../src/index.ts';
import { batchNorms, channelLayout, chunkOf, normsOfValues } from '../../src/monitor/index.ts';
import { selectBackend } from '../../src/node.ts';
import { optimizerFor, optimizerSpec } from '../../src/optim/index.ts';
import { batchGradients } from '../../src/training/batch-math.ts';
import { objectiveOf } from '../../src/training/objective.ts';
import { l1s, type Reg } from '../fixtures/l1-regularizers.ts';

const EXACT = 1e6 * Math.fround(1e-3);
const off = (x: number) => Math.abs(x - EXACT) / EXACT;

/** A Dense 1000 → 1000 (no bias; a softmax with `softmax`) of weights 1e-3 under `reg`. */
function model(reg: Reg, softmax = false): tf.LayersModel {
  const m = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [1000], units: 1000, useBias: false, kernelRegularizer: reg, ...(softmax ? { activation: 'softmax' } : {}) })],
  });
  m.layers[0]!.setWeights([tf.fill([1000, 1000], 1e-3)]);
  return m;
}

/** 8 samples of zeros, each labelled with a class of its own. */
const data = () => ({ x: tf.zeros([8, 1000]), y: tf.oneHot(tf.range(0, 8, 1, 'int32'), 1000) });

describe('per-batch penalties summed in float64', () => {
  beforeAll(async () => {
    await selectBackend('wasm', { threads: 1 });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('chunks: the largest divisor up to 256 leaving at most 65 536 of them, else the whole', () => {
    expect([chunkOf(100), chunkOf(1_000_000), chunkOf(3 * 3 * 32 * 64), chunkOf(7919), chunkOf(2 * 500_009), chunkOf(7919, 1000)]).toEqual([
      100,
      250,
      256,
      1,
      2 * 500_009,
      7919,
    ]);
  });

  it.each(l1s())("%s: trainStep's penaltyLoss on wasm is the float64 Σ, not a float32 sum 0.9 per cent low", async (_, reg) => {
    const m = model(reg);
    const { x, y } = data();
    const r = await trainStep(m, optimizerFor(m, optimizerSpec('sgd:lr=1e-30').transform), [x], [y]);
    expect(off(r.penaltyLoss)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a penalty in proximal mode: its value summed in float64 too, its gradient still 0', async () => {
    const [prox, none] = [model(penalty('l1:1,prox')), model(undefined)];
    const { x, y } = data();
    const batch = { xs: [x], ys: [y] };
    const objective = objectiveOf(prox, 'meanSquaredError');
    const [p, n] = [batchGradients(prox, batch, objective, 1 / 8), batchGradients(none, batch, objective, 1 / 8)];
    expect(off(p.penalty)).toBeLessThan(1e-5);
    expect(n.penalty).toBe(0);
    const [gp, gn] = [Object.values(p.grads)[0]!, Object.values(n.grads)[0]!];
    expect(Array.from(gp.dataSync())).toEqual(Array.from(gn.dataSync()));
    tf.dispose([...Object.values(p.grads), ...Object.values(n.grads), x, y]);
    prox.dispose();
    none.dispose();
  });

  it("fit's epoch: each batch's recorded penalty and their mean in TF.js's logged loss", async () => {
    const m = model(penalty('l1:1'));
    const { x, y } = data();
    let logged: tf.Logs | undefined;
    const record = await fit(
      m,
      { x, y },
      {
        epochs: 1,
        batchSize: 2,
        optimizer: 'sgd:lr=1e-30',
        loss: 'categoricalCrossentropy',
        callbacks: [new tf.CustomCallback({ onEpochEnd: async (_e, logs) => void (logged = logs) })],
      },
    );
    const epoch = record.epochs[0]!;
    // Four significant digits: 1000, where a float32 sum recorded 991.1.
    expect(epoch.batchLosses?.penalty).toEqual([1000, 1000, 1000, 1000]);
    expect(off((logged?.['loss'] as number) - epoch.trainLoss)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('the fused onnxruntime graph: its penalty output is the chunks summed in float64, not one float32 ReduceSum', async () => {
    await selectBackend('onnxruntime', { threads: 1 });
    const m = model(penalty('l1:1'), true);
    const fused = await FusedGradients.start(m, 'categoricalCrossentropy', 1);
    if (typeof fused === 'string') throw new Error(fused);
    const { x, y } = data();
    try {
      const r = await fused.gradients(m, { xs: [x], ys: [y] }, objectiveOf(m, 'categoricalCrossentropy'));
      tf.dispose(Object.values(r.grads));
      expect(off(r.penalty)).toBeLessThan(1e-5);
    } finally {
      await fused.close();
      await selectBackend('wasm', { threads: 1 });
      tf.dispose([x, y]);
      m.dispose();
    }
  });
});

describe('per-batch channel norms summed in float64', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['wasm', 'onnxruntime'] as const)('%s: 65 536 rows of 1e-3 give ‖channel‖ = 256·fround(1e-3), not a float32 sum 3.9e-4 low', async (backend) => {
    await selectBackend(backend, { threads: 1 });
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [65_536], units: 8, useBias: false })] });
    m.layers[0]!.setWeights([tf.fill([65_536, 8], 1e-3)]);
    const exact = Math.sqrt(65_536 * Math.fround(1e-3) ** 2);
    const { mean, max } = batchNorms(m, 1).layers[0]!;
    // Each chunk of 256 squares is still a float32 sum (1.5e-6 off here); one sum of 65 536 was 3.9e-4 off.
    expect(Math.abs(mean - exact) / exact).toBeLessThan(1e-5);
    expect(Math.abs(max - exact) / exact).toBeLessThan(1e-5);
    m.dispose();
  });
});

describe('per-batch channel norms in chunks keep each channel apart', () => {
  it("a Conv2DTranspose's kernel of 272 rows (two chunks), channels on its second-last axis: as from its values", () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const layer = tf.layers.conv2dTranspose({ filters: 6, kernelSize: [17, 16], useBias: false });
    const m = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const shape = layer.weights[0]!.shape as number[];
    // Distinct values, so a norm over the wrong slices cannot match.
    layer.weights[0]!.write(tf.tidy(() => tf.reshape(tf.range(1, shape.reduce((a, b) => a * b, 1) + 1).sqrt(), shape)));
    const layout = channelLayout(layer)!;
    expect([chunkOf(272), layout.channels, layout.inner]).toEqual([136, 6, 3]);
    const norms = normsOfValues(layer.weights[0]!.read().dataSync(), layout.channels, layout.inner);
    const { mean, max } = batchNorms(m, 1).layers[0]!;
    expect(mean).toBeCloseTo(norms.reduce((s, n) => s + n, 0) / 6, 3);
    expect(max).toBeCloseTo(Math.max(...norms), 3);
    m.dispose();
  });
});
