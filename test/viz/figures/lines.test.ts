import { describe, expect, it } from 'vitest';
import { snapshots } from '../../../src/formats/run.ts';
import { accuracySpec, sparsitySpec } from '../../../src/viz/figures/index.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';
import { plain } from './spec-helpers.ts';

const runs = [
  makeRunRecord({ epochs: 4, penalty: 'none' }),
  makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', seed: 2 }),
  makeRunRecord({ epochs: 3, penalty: 'logsum:1e-4,eps=0.05', seed: 3 }),
];
const penalties = runs.map((r) => r.config.penalty);

describe('sparsitySpec', () => {
  const spec = plain(sparsitySpec(runs));

  it('has one colour per run, the legend naming each run by its penalty spec', () => {
    expect(spec.encoding.color).toMatchObject({ field: 'run', title: 'penalty' });
    expect(spec.encoding.color.scale.domain).toEqual(['none', 'l1:1e-4', 'logsum:1e-4,eps=0.05']);
    expect(new Set(spec.encoding.color.scale.range).size).toBe(3);
  });

  it('draws the two thresholds with different dashes', () => {
    const dash = spec.layer[0].encoding.strokeDash;
    expect(dash.field).toBe('threshold');
    expect(dash.scale.domain).toEqual(['|w| < 1e-3', '|w| < 1e-2']);
    expect(dash.scale.range[0]).not.toEqual(dash.scale.range[1]);
  });

  it('holds both fractions of every snapshot, epochs 0..N', () => {
    for (const [i, run] of runs.entries()) {
      const rows = spec.data.values.filter((v: { run: string }) => v.run === penalties[i]);
      expect(rows).toHaveLength(2 * (run.epochs.length + 1));
      for (const s of snapshots(run)) {
        expect(rows).toContainEqual({ run: penalties[i], epoch: s.epoch, threshold: '|w| < 1e-3', fraction: s.sparsity.lt1e3 });
        expect(rows).toContainEqual({ run: penalties[i], epoch: s.epoch, threshold: '|w| < 1e-2', fraction: s.sparsity.lt1e2 });
      }
    }
    expect(spec.encoding.x.field).toBe('epoch');
    // Fitted to the data from 0: sparsities of a few per cent must not sit flat on the axis.
    expect(spec.encoding.y.scale).toEqual({ zero: true, nice: true });
  });
});

describe('accuracySpec', () => {
  const spec = plain(accuracySpec(runs));

  it('draws one line per run coloured by penalty spec', () => {
    expect(spec.mark.type).toBe('line');
    expect(spec.encoding.color.scale.domain).toEqual(penalties);
    expect(spec.encoding.y.field).toBe('acc');
  });

  it('holds the test accuracy of every finished epoch', () => {
    for (const [i, run] of runs.entries()) {
      const rows = spec.data.values.filter((v: { run: string }) => v.run === penalties[i]);
      expect(rows.map((v: { epoch: number; acc: number }) => [v.epoch, v.acc])).toEqual(run.epochs.map((e) => [e.epoch, e.testAcc]));
    }
  });

  it('shows epoch 0 for a run with no finished epoch', () => {
    const fresh = makeRunRecord({ epochs: 0 });
    expect(plain(accuracySpec([fresh])).data.values).toEqual([{ run: 'l1:1e-4', epoch: 0, acc: fresh.initial.testAcc, loss: fresh.initial.testLoss }]);
  });
});

describe('runs of several optimisers', () => {
  const mixed = [
    makeRunRecord({ epochs: 2, penalty: 'l2:1e-4', optimizer: 'adam:lr=0.001' }),
    makeRunRecord({ epochs: 2, penalty: 'none', optimizer: 'adamw:lr=0.001,wd=1e-4' }),
  ];
  it.each([
    ['sparsitySpec', sparsitySpec],
    ['accuracySpec', accuracySpec],
  ])('%s: the legend and tooltip are titled by what the labels name, penalty · optimizer', (_name, specOf) => {
    const spec = plain(specOf(mixed));
    expect(spec.encoding.color.scale.domain).toEqual(['l2:1e-4 · adam:lr=0.001', 'none · adamw:lr=0.001,wd=1e-4']);
    expect(spec.encoding.color.title).toBe('penalty · optimizer');
    const tooltips = JSON.stringify(spec).match(/\{"field":"run","title":"[^"]*"\}/g) ?? [];
    expect(tooltips.length).toBeGreaterThan(0);
    for (const t of tooltips) expect(t).toContain('"title":"penalty · optimizer"');
  });
});
