/**
 * A λ·penalty finite in float64 but beyond float32's range (3.4028235e38) at the untrained weights
 * — a weight's, or the sum over the weights — is refused before training, saying so (the values,
 * that training computes its loss in float32, the largest strength that fits), not said to have
 * "become NaN or infinite at epoch 1, batch 1"; and fitToFolder leaves no folder behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SpecError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { penalty } from '../../src/penalties/index.ts';
import { tf } from '../../src/tf.ts';
import { checkPenaltyRange, checkUntrainedWeights, FLOAT32_MAX, fit } from '../../src/training/index.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-penalty-range-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Kernels of ones: Σw² is 4 for a/kernel (2×2) and 2 for b/kernel (2×1); λ·Σw² is exact. */
const model = (spec: string) =>
  tf.sequential({
    layers: [
      tf.layers.dense({ name: 'a', units: 2, inputShape: [2], kernelInitializer: 'ones', kernelRegularizer: penalty(spec) }),
      tf.layers.dense({ name: 'b', units: 1, kernelInitializer: 'ones', kernelRegularizer: penalty(spec) }),
    ],
  });
const x = tf.tensor2d([0.1, 0.2, 0.3, 0.4], [2, 2]);
const y = tf.tensor2d([0, 1], [2, 1]);
const OPTIONS = { epochs: 1, batchSize: 2, optimizer: 'sgd:lr=1e-3', loss: 'meanSquaredError' } as const;

describe('a penalty beyond float32 at the untrained weights', () => {
  it("a weight's: fit refuses it before any callback, with the values, float32 and the strength that fits", async () => {
    expect(FLOAT32_MAX).toBe(Math.fround(3.4028235e38));
    const m = model('l2:1e38');
    let began = false;
    const err = await fit(m, { x, y }, { ...OPTIONS, callbacks: [{ onTrainBegin: () => void (began = true) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    const message = (err as Error).message;
    expect(message).toContain(
      'the penalty is too large for float32 at the untrained weights: λ·penalty is 4e38 for a/kernel (l2:1e38), 6e38 summed over the weights',
    );
    expect(message).toContain('training computes its loss in float32');
    // 6e38 / 3.4028235e38 = 1.76…: 1e38 / 1.76 = 5.67e37, to two digits rounded down.
    expect(message).toContain('give a smaller strength (l2:1e38: λ at most 5.6e37)');
    expect(message).not.toMatch(/became NaN/);
    expect(began).toBe(false);
    m.dispose();
  });

  it('their sum only (each weight in range): refused too; the strength it names passes', () => {
    const m = model('l2:6e37');
    // a: 2.4e38, b: 1.2e38, both in range; their sum 3.6e38 is not.
    expect(() => checkPenaltyRange(m)).toThrow('λ·penalty is 3.6e38 summed over the weights, beyond 3.4028235e38');
    expect(() => checkPenaltyRange(m)).toThrow('(l2:6e37: λ at most 5.6e37)');
    m.dispose();
    const fits = model('l2:5.6e37');
    expect(() => checkPenaltyRange(fits)).not.toThrow();
    fits.dispose();
  });

  it('fitToFolder refuses it before the folder is made', async () => {
    const m = model('l2:1e38');
    const dir = join(root, 'runs', 'big');
    await expect(fitToFolder(m, { x, y }, { ...OPTIONS, dir, figures: false })).rejects.toThrow(SpecError);
    expect(existsSync(join(root, 'runs'))).toBe(false);
    m.dispose();
  });
});

describe('how often the untrained weights are read back and checked', () => {
  it('checkPenaltyRange reads every penalised weight back at once: one dataSync for three weights, TF.js L1L2 among them', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'a', units: 3, inputShape: [2], kernelInitializer: 'ones', kernelRegularizer: penalty('l2:1e38') }),
        tf.layers.dense({
          name: 'b',
          units: 2,
          kernelInitializer: 'ones',
          kernelRegularizer: penalty('l1:1e38'),
          biasRegularizer: tf.regularizers.l2({ l2: 1e38 }),
        }),
      ],
    });
    const reads = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    try {
      // a: 6 ones under l2 (6e38), b/kernel: 6 ones under l1 (6e38), b/bias: zeros under L1L2 (0): each named, one read.
      expect(() => checkPenaltyRange(m)).toThrow('λ·penalty is 6e38 for a/kernel (l2:1e38), 6e38 for b/kernel (l1:1e38), 1.2e39 summed over the weights');
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
      m.dispose();
    }
  });

  it('fitToFolder checks them once (fit, given its check, does not again); fit alone checks them once', async () => {
    // φ(w) computed for the check, not for a loss term (which sums it through `value`): counted as training begins.
    const counted = () => {
      const penalties = [penalty('l2:1e-3'), penalty('l2:1e-3')];
      const spies = penalties.flatMap((p) => [vi.spyOn(p, 'terms'), vi.spyOn(p, 'value')]);
      const m = tf.sequential({
        layers: [
          tf.layers.dense({ name: 'a', units: 2, inputShape: [2], kernelInitializer: 'ones', kernelRegularizer: penalties[0] }),
          tf.layers.dense({ name: 'b', units: 1, kernelInitializer: 'ones', kernelRegularizer: penalties[1] }),
        ],
      });
      // The run config's penalty curve samples a built-in's terms at its 401 weights at once (a [401, 1] tensor): not a check.
      const atWeights = (calls: unknown[][]) => calls.filter(([w]) => (w as tf.Tensor).shape.join() !== '401,1').length;
      const checks = () => spies.reduce((n, s, i) => n + (i % 2 === 0 ? 1 : -1) * atWeights(s.mock.calls), 0);
      const seen: number[] = [];
      return { m, seen, callbacks: [{ onTrainBegin: () => void seen.push(checks()) }] };
    };
    const inFolder = counted();
    await fitToFolder(inFolder.m, { x, y }, { ...OPTIONS, dir: join(root, 'counted'), figures: false, callbacks: inFolder.callbacks });
    inFolder.m.dispose();
    expect(inFolder.seen).toEqual([2]);
    const alone = counted();
    await fit(alone.m, { x, y }, { ...OPTIONS, callbacks: alone.callbacks });
    alone.m.dispose();
    expect(alone.seen).toEqual([2]);
  });

  it('checkUntrainedWeights: NaN weights are refused as such first, then the penalty at them', () => {
    const m = model('l2:1e38');
    m.getLayer('a').weights[0]!.write(tf.fill([2, 2], Number.NaN));
    expect(() => checkUntrainedWeights(m)).toThrow('weight a/kernel: 4 of its 4 values are NaN or infinite before training');
    m.dispose();
    const big = model('l2:1e38');
    expect(() => checkUntrainedWeights(big)).toThrow('the penalty is too large for float32 at the untrained weights');
    big.dispose();
  });
});
