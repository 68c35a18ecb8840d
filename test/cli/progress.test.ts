/**
 * The progress lines `penx train` prints on a pipe: one per tenth of an epoch, the ETA timed from
 * the end of the epoch's first batch (evaluation and figures before it are not training time).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accuracyText, progressCallbacks } from '../../mnist-demo/cli/actions/progress.ts';

afterEach(() => vi.restoreAllMocks());

function pipe(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s.trimEnd()) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress lines', () => {
  it('a line per tenth; the ETA is unknown after batch 1, then the time per batch since batch 1 times the batches left', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const { stream, lines } = pipe();
    const cb = progressCallbacks('[1/1 l1]', stream);
    const ctx = {} as never;
    // 60 s of evaluation and figures before the epoch's first batch, then 2 s per batch.
    now = 60_000;
    for (let batch = 1; batch <= 20; batch++) {
      now += 2000;
      cb.onBatchEnd?.({ epoch: 2, epochs: 3, batch, batches: 20, dataLoss: 0.5, penaltyLoss: 0.01, accuracy: 0.9 }, ctx);
    }
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('[1/1 l1] epoch 2/3   5% eta ? loss 0.5000 penalty (mean) 0.01000 acc 0.900');
    // After batch 2: 2 s for one batch since batch 1, 18 batches left.
    expect(lines[1]).toMatch(/epoch 2\/3 {2}10% eta 36s /);
    expect(lines[10]).toMatch(/epoch 2\/3 100% eta 0s /);
  });

  it("the bar's penalty says it is the epoch's mean so far, the epoch line's that it is the record's, at the epoch's end (both said 'penalty')", () => {
    const { stream, lines } = pipe();
    const cb = progressCallbacks('[1/1 l1]', stream);
    // The mean over the epoch's batches (9.04535) and the end-of-epoch snapshot's (8.57193) for one epoch.
    cb.onBatchEnd?.({ epoch: 2, epochs: 2, batch: 10, batches: 10, dataLoss: 0.3929, penaltyLoss: 9.04535, accuracy: 0.88 }, {} as never);
    const last = { epoch: 2, testLoss: 0.3612, testAcc: 0.895, sparsity: { lt1e3: 0.004 }, trainLoss: 0.3929, penaltyLoss: 8.57193, seconds: 3.14 };
    cb.onEpochEnd?.(2, { config: {}, initial: {}, epochs: [last] } as never, {} as never);
    expect(lines).toEqual([
      '[1/1 l1] epoch 2/2 100% eta 0s loss 0.3929 penalty (mean) 9.04535 acc 0.880',
      '[1/1 l1] epoch 2: test loss 0.3612 acc 0.8950 | train loss 0.3929 penalty at end 8.57193 | 3.1 s | |w|<1e-3: 0.4%',
    ]);
  });

  it("an epoch's line gives each output's test accuracy for a model of several outputs, n/a for a model without one (it said null)", () => {
    expect(accuracyText({ testAcc: 0.96664 })).toBe('acc 0.9666');
    expect(accuracyText({ testAcc: null, testMetrics: { digit_loss: 1.2, parity_loss: 0.1, digit_acc: 0.65625, parity_acc: 0.98958 } })).toBe(
      'acc(digit) 0.6563 acc(parity) 0.9896',
    );
    expect(accuracyText({ testAcc: null, testMetrics: { loss: 0.3 } })).toBe('acc n/a');
    const { stream, lines } = pipe();
    const record = {
      initial: {
        epoch: 0,
        testLoss: 2.3,
        testAcc: null,
        testMetrics: { digit_loss: 2.3, parity_loss: 0.7, digit_acc: 0.125, parity_acc: 0.5 },
        sparsity: { lt1e3: 0 },
      },
      epochs: [],
    };
    progressCallbacks('[m]', stream).onEpochEnd?.(0, record as never, {} as never);
    expect(lines).toEqual(['[m] epoch 0: test loss 2.3000 acc(digit) 0.1250 acc(parity) 0.5000 (untrained) | |w|<1e-3: 0.0%']);
  });

  it("epoch 0's line says (before training) for a model from a module or a folder (a saved model may be trained), (untrained) for the reference model", () => {
    const { stream, lines } = pipe();
    const initial = { epoch: 0, testLoss: 0.1, testAcc: 0.97, sparsity: { lt1e3: 0 } };
    const model = (source?: string) => ({ name: 'm', ...(source ? { source } : {}), weights: 10, inputShape: [28, 28, 1], outputShape: [10] });
    for (const config of [{ model: model('runs/a/checkpoint/model') }, { model: model('./m.ts') }, { model: model() }])
      progressCallbacks('[m]', stream).onEpochEnd?.(0, { config, initial, epochs: [] } as never, {} as never);
    expect(lines.map((l) => /\(([^)]*)\) \|/.exec(l)?.[1])).toEqual(['before training', 'before training', 'untrained']);
  });
});
