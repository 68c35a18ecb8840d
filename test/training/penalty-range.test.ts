/**
 * A λ·penalty finite in float64 but beyond float32's range (3.4028235e38) at the untrained weights
 * — a weight's, or the sum over the weights — is refused before training, saying so (the values,
 * that training computes its loss in float32, the largest strength that fits), not said to have
 * "become NaN or infinite at epoch 1, batch 1"; and fitToFolder leaves no folder behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { penalty } from '../../src/penalties/index.ts';
import { tf } from '../../src/tf.ts';
import { checkPenaltyRange, FLOAT32_MAX, fit } from '../../src/training/index.ts';

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
