import { describe, expect, it } from 'vitest';
import { snapshots } from '../../../src/formats/run.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

describe('makeRunRecord (the synthetic record the figure tests use)', () => {
  const run = makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', seed: 3 });

  it('has epoch 0 and the finished epochs in order', () => {
    expect(run.format).toBe('penalty-explorer/run@3');
    expect(snapshots(run).map((s) => s.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(run.config).toMatchObject({ penalty: 'l1:1e-4', seed: 3, epochs: 4 });
  });

  it('has histograms whose densities integrate to the inside fraction, with counts that add up', () => {
    for (const s of snapshots(run)) {
      for (const h of [s.histogram, ...s.layers.map((l) => l.histogram)]) {
        const width = (h.hi - h.lo) / h.density.length;
        expect(h.density).toHaveLength(100);
        expect(h.density.reduce((a, d) => a + d * width, 0)).toBeCloseTo((h.count - h.below - h.above) / h.count, 10);
      }
      expect(s.layers.reduce((a, l) => a + l.count, 0)).toBe(s.histogram.count);
      expect(s.layers.reduce((a, l) => a + l.histogram.zeros, 0)).toBe(s.histogram.zeros);
      expect(s.sparsity.lt1e3).toBeLessThanOrEqual(s.sparsity.lt1e2);
    }
  });

  it('is deterministic and differs by seed and penalty', () => {
    expect(makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', seed: 3 })).toEqual(run);
    expect(makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', seed: 4 }).epochs[0]?.testLoss).not.toBe(run.epochs[0]?.testLoss);
    const none = makeRunRecord({ epochs: 4, penalty: 'none', seed: 3 });
    expect(none.epochs.at(-1)?.sparsity.lt1e3).toBeLessThan(run.epochs.at(-1)?.sparsity.lt1e3 ?? 0);
  });

  it('takes custom layer names', () => {
    const r = makeRunRecord({ epochs: 1, layers: ['a', 'b'] });
    expect(r.initial.layers.map((l) => l.name)).toEqual(['a', 'b']);
  });
});
