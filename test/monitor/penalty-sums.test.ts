/**
 * The record's penalties are summed in float64 (penalty-sums.ts), for any model size: a backend's
 * float32 sum drifts (1 M weights of 1e-3 under L1: 1 % low on wasm) and overflows past 3.4e38.
 * Each expected value is a float64 closed form over the float32 weights.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { penalty, tf } from '../../src/index.ts';
import { weightStatistics } from '../../src/monitor/index.ts';
import { selectBackend } from '../../src/node.ts';
import { l1s, type Reg } from '../fixtures/l1-regularizers.ts';

/** A Dense of `values` (a column) with `reg` on its kernel, the record's penalty of it. */
function recorded(values: Float32Array, reg: Reg, rows = values.length, cols = 1) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [rows], units: cols, useBias: false, kernelRegularizer: reg })] });
  model.layers[0]!.setWeights([tf.tensor2d(values, [rows, cols])]);
  const s = weightStatistics(model);
  model.dispose();
  return { penaltyLoss: s.penaltyLoss, layer: s.layers[0]!.penalty, weight: s.layers[0]!.weights![0]!.penalty };
}

describe('penalties in the record, summed in float64', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(l1s())('%s: a sum past float32’s largest number is kept, not ∞ (null in run.json)', (_, reg) => {
    const w = new Float32Array([3e38, -3e38, 1e30]);
    const exact = 2 * Math.fround(3e38) + Math.fround(1e30);
    expect(recorded(w, reg)).toEqual({ penaltyLoss: exact, layer: exact, weight: exact });
  });

  it.each(l1s())('%s: 1 + 2⁻³⁰ is not rounded to float32’s 1', (_, reg) => {
    expect(recorded(new Float32Array([1, 2 ** -30]), reg).penaltyLoss).toBe(1 + 2 ** -30);
  });

  it('l2 and l1l2 of the library and TF.js: Σw² and l1·Σ|w| + l2·Σw² in float64', () => {
    const w = new Float32Array([1, -(2 ** -13), 2 ** -14]);
    const sq = 1 + 2 ** -26 + 2 ** -28;
    const abs = 1 + 2 ** -13 + 2 ** -14;
    expect(recorded(w, penalty('l2:1')).penaltyLoss).toBe(sq);
    expect(recorded(w, tf.regularizers.l2({ l2: 1 })).penaltyLoss).toBe(sq);
    expect(recorded(w, penalty('l1l2:1,l1=0.5,l2=0.25')).penaltyLoss).toBe(0.5 * abs + 0.25 * sq);
    expect(recorded(w, tf.regularizers.l1l2({ l1: 0.5, l2: 0.25 })).penaltyLoss).toBe(0.5 * abs + 0.25 * sq);
  });

  it.each(l1s())('%s on wasm: 1 M weights of 1e-3 give Σ|w| = 10⁶·fround(1e-3), not a float32 sum a per cent low', async (_, reg) => {
    await selectBackend('wasm', { threads: 1 });
    const exact = 1e6 * Math.fround(1e-3);
    const got = recorded(new Float32Array(1e6).fill(1e-3), reg, 1000, 1000).penaltyLoss;
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-9);
  });
});
