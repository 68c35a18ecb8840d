import { describe, expect, it } from 'vitest';
import { loadFontMetrics } from '../../../src/render/font-metrics.ts';
import { FONT_FILES } from '../../../src/render/render.ts';
import { countsLine, epochRanges, fixed4, grouped, logTicks, niceMax, recordedEpochs, runLabels, snapshotTitle } from '../../../src/viz/figures/index.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

describe('figure text', () => {
  it('formats titles, counts and numbers', () => {
    expect(snapshotTitle({ epoch: 3, testLoss: 0.041249, testAcc: 0.987051 })).toBe('epoch=3 loss=0.0412 acc=0.9871');
    // A model of several outputs: each output's accuracy by name (no single one).
    const two = { epoch: 3, testLoss: 0.5, testAcc: null, testMetrics: { cls_loss: 0.3, reg_loss: 0.2, cls_acc: 0.91 } };
    expect(snapshotTitle(two)).toBe('epoch=3 loss=0.5000 acc(cls)=0.9100');
    expect(fixed4(2.302585)).toBe('2.3026');
    expect(grouped(1199882)).toBe('1,199,882');
    expect(grouped(12)).toBe('12');
    expect(countsLine({ lo: -1, hi: 1, density: [], below: 3, above: 4, zeros: 1500, count: 2000000 })).toBe(
      '2,000,000 weights · below −1: 3 · above 1: 4 · exactly 0: 1,500',
    );
  });

  it('writes epochs with their runs shortened, and lists the epochs runs recorded', () => {
    expect(epochRanges([0, 1, 2, 3, 5, 10, 11, 20, 30, 31, 32])).toBe('0–3, 5, 10, 11, 20, 30–32');
    expect(epochRanges([7])).toBe('7');
    expect(epochRanges([])).toBe('none');
    expect(recordedEpochs([makeRunRecord({ epochs: 2 }), makeRunRecord({ epochs: 4, seed: 2 })])).toEqual([0, 1, 2, 3, 4]);
  });

  it('labels runs by penalty spec, adding the run name only when penalties repeat', () => {
    const a = makeRunRecord({ epochs: 1, penalty: 'l2:1e-4' });
    const b = makeRunRecord({ epochs: 1, penalty: 'logsum:1e-4,eps=0.05' });
    const c = makeRunRecord({ epochs: 1, penalty: 'l2:1e-4', seed: 9 });
    expect(runLabels([a, b])).toEqual(['l2:1e-4', 'logsum:1e-4,eps=0.05']);
    expect(runLabels([a, b, c])).toEqual(['l2:1e-4 (l2_1e-4-seed1)', 'logsum:1e-4,eps=0.05', 'l2:1e-4 (l2_1e-4-seed9)']);
    expect(runLabels([a, a])).toEqual(['l2:1e-4 (l2_1e-4-seed1) #1', 'l2:1e-4 (l2_1e-4-seed1) #2']);
  });
});

describe('axis helpers', () => {
  it('rounds axis tops up to round numbers', () => {
    expect([21.75, 19.5, 3.1, 0.42, 100, 0].map(niceMax)).toEqual([25, 20, 4, 0.5, 100, 1]);
  });
  it('puts symlog ticks at 0 and powers of ten', () => {
    expect(logTicks(4.2e-5, 25)).toEqual([0, 1e-4, 1e-3, 0.01, 0.1, 1, 10]);
    expect(logTicks(0.5, 3)).toEqual([0, 1]);
  });
});

describe('DejaVu Sans metrics', () => {
  it('measures text from the font file (about 0.6 em a character, wider for bold)', () => {
    const regular = loadFontMetrics(FONT_FILES[0] as string);
    const bold = loadFontMetrics(FONT_FILES[1] as string);
    const text = 'epoch=3 loss=0.0412 acc=0.9871';
    const w = regular.width(text, 10);
    expect(w).toBeGreaterThan(0.5 * 10 * text.length);
    expect(w).toBeLessThan(0.7 * 10 * text.length);
    expect(bold.width(text, 10)).toBeGreaterThan(w);
    expect(regular.width('λ·Σ|w|', 12)).toBeGreaterThan(0);
    expect(regular.width('', 12)).toBe(0);
  });
});
