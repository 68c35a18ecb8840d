/** A sweep's grid expanded into runs: names, specs, order, and the grids refused. */
import { loadPenalty, SWEEP_FORMAT, type SweepRecord } from 'penalty-explorer/node';
import { describe, expect, it } from 'vitest';
import { type SweepFlags, sweepGrid } from '../../mnist-demo/cli/flag-values.ts';
import { expandGrid, gridRuns } from '../../mnist-demo/experiment/sweep-grid.ts';
import { progressLabel } from '../../mnist-demo/experiment/sweep-local.ts';

describe('expandGrid', () => {
  it('one run per penalty × strength × seed, named from its settings; a penalty without a strength once per seed', async () => {
    const runs = await expandGrid({ penalties: ['deadzone,a=0.3', 'none'], strengths: [1e-5, 1e-3], seeds: [7, 8] });
    expect(runs).toEqual([
      { name: 'deadzone_1e-5_a=0.3_seed=7', penalty: 'deadzone:1e-5,a=0.3', strength: 1e-5, seed: 7 },
      { name: 'deadzone_1e-5_a=0.3_seed=8', penalty: 'deadzone:1e-5,a=0.3', strength: 1e-5, seed: 8 },
      { name: 'deadzone_0.001_a=0.3_seed=7', penalty: 'deadzone:0.001,a=0.3', strength: 1e-3, seed: 7 },
      { name: 'deadzone_0.001_a=0.3_seed=8', penalty: 'deadzone:0.001,a=0.3', strength: 1e-3, seed: 8 },
      { name: 'none_seed=7', penalty: 'none', strength: null, seed: 7 },
      { name: 'none_seed=8', penalty: 'none', strength: null, seed: 8 },
    ]);
  });

  it('refuses grids of no runs, strengths that are not > 0, a penalty with its own strength, a run twice, a bad spec', async () => {
    await expect(expandGrid({ penalties: [], strengths: [1e-4], seeds: [1] })).rejects.toThrow(/no penalties: the grid has 0 runs/);
    await expect(expandGrid({ penalties: ['l1'], strengths: [1e-4], seeds: [] })).rejects.toThrow(/no seeds: the grid has 0 runs/);
    await expect(expandGrid({ penalties: ['l1'], strengths: [], seeds: [1] })).rejects.toThrow(/no strengths for l1/);
    await expect(expandGrid({ penalties: ['l1'], strengths: [0], seeds: [1] })).rejects.toThrow(/strengths must be finite numbers > 0/);
    await expect(expandGrid({ penalties: ['l1:1e-4'], strengths: [1e-4], seeds: [1] })).rejects.toThrow(/has a strength; give penalties without one/);
    await expect(expandGrid({ penalties: ['l1'], strengths: [1e-4, 0.0001], seeds: [1] })).rejects.toThrow(/the run l1_1e-4_seed=1 twice/);
    await expect(expandGrid({ penalties: ['deadzone,a=-1'], strengths: [1e-4], seeds: [1] })).rejects.toThrow(/deadzone parameter a=-1 is not allowed/);
    await expect(expandGrid({ penalties: ['nosuch'], strengths: [1e-4], seeds: [1] })).rejects.toThrow(/unknown penalty 'nosuch'/);
  });
  it('with no strengths, names the first penalty that takes one, a module’s too (every one does), before importing any, as the command line does', async () => {
    await expect(expandGrid({ penalties: ['none', 'l2', './no-such-penalty.ts'], strengths: [], seeds: [1] })).rejects.toThrow(
      'the sweep has no strengths for l2: the grid has 0 runs of it',
    );
    // Not imported (it does not exist: importing it would say so).
    for (const penalties of [
      ['./no-such-penalty.ts', 'none', 'l2'],
      ['none', './no-such-penalty.ts,k=2,prox'],
    ])
      await expect(expandGrid({ penalties, strengths: [], seeds: [1] })).rejects.toThrow(
        'the sweep has no strengths for ./no-such-penalty.ts: the grid has 0 runs of it; give at least one, e.g. 1e-5,1e-4,1e-3',
      );
  });

  it("takes a penalty's proximal step (l1,prox): ,prox kept in every run's spec and name, apart from l1's own runs", async () => {
    const runs = await expandGrid({ penalties: ['l1', 'l1,prox'], strengths: [1e-4], seeds: [7] });
    expect(runs).toEqual([
      { name: 'l1_1e-4_seed=7', penalty: 'l1:1e-4', strength: 1e-4, seed: 7 },
      { name: 'l1_1e-4_prox_seed=7', penalty: 'l1:1e-4,prox', strength: 1e-4, seed: 7 },
    ]);
    expect((await loadPenalty(runs[1]!.penalty)).spec).toBe('l1:1e-4,prox');
    await expect(expandGrid({ penalties: ['l1:1e-4,prox'], strengths: [1e-4], seeds: [1] })).rejects.toThrow(
      /has a strength; give penalties without one \(e\.g\. l1\)/,
    );
    await expect(expandGrid({ penalties: ['l1,prox'], strengths: [], seeds: [1] })).rejects.toThrow('the sweep has no strengths for l1:');
    // prox before a parameter: the same proximal step, its spec written in order.
    expect(await expandGrid({ penalties: ['deadzone,prox,a=0.3'], strengths: [1e-4], seeds: [7] })).toEqual([
      { name: 'deadzone_1e-4_a=0.3_prox_seed=7', penalty: 'deadzone:1e-4,a=0.3,prox', strength: 1e-4, seed: 7 },
    ]);
  });

  it("keeps a module penalty's path in each run's spec, so the run's own process loads it again", async () => {
    const path = './mnist-demo/examples/logsum-penalty.ts';
    const runs = await expandGrid({ penalties: [`${path},eps=0.05`], strengths: [1e-4], seeds: [3] });
    expect(runs).toEqual([{ name: 'logsum_1e-4_eps=0.05_seed=3', penalty: `${path}:1e-4,eps=0.05`, strength: 1e-4, seed: 3 }]);
    // What the run's child process does with it (sweep-run.ts): load it from its spec alone.
    expect((await loadPenalty(runs[0]!.penalty)).spec).toBe('logsum:1e-4,eps=0.05');
  });

  it("labels a module penalty's progress lines with its normalised spec, as penx compare does, while sweep.json keeps the path", async () => {
    const path = './mnist-demo/examples/logsum-penalty.ts';
    const grid = { penalties: [`${path},eps=0.05`, 'l1'], strengths: [1e-4], seeds: [1] };
    const expanded = await gridRuns(grid);
    const record: SweepRecord = { format: SWEEP_FORMAT, name: 's', grid, settings: {}, runs: expanded.map((r) => r.run) };
    const shown = new Map(expanded.map((r) => [r.run.name, r.shown]));
    expect(record.runs).toEqual(await expandGrid(grid));
    expect(record.runs.map((r) => r.penalty)).toEqual([`${path}:1e-4,eps=0.05`, 'l1:1e-4']);
    expect(record.runs.map((r) => progressLabel(record, r, shown))).toEqual(['[1/2 logsum:1e-4,eps=0.05 seed=1]', '[2/2 l1:1e-4 seed=1]']);
  });
});

describe('sweepGrid (the command line, before the library loads)', () => {
  const flags = { penalties: 'none', strengths: '1e-4,0.0001', seed: '42' } as SweepFlags;

  it('takes a strength given twice when no penalty takes one (none alone: once per seed)', () => {
    expect(sweepGrid(flags)).toEqual({ penalties: ['none'], strengths: [1e-4, 1e-4], seeds: [42] });
  });

  it('tells a module’s penalties apart by their text alone: values shortest-form, parameters in name order, before importing it', () => {
    expect(() => sweepGrid({ ...flags, penalties: './no-such.ts,b=2,eps=0.01,./no-such.ts,eps=1e-2,b=2.0', strengths: '1e-4' })).toThrow(
      "--penalties './no-such.ts,b=2,eps=0.01,./no-such.ts,eps=1e-2,b=2.0': items 1 and 2 (./no-such.ts,b=2,eps=0.01 and ./no-such.ts,eps=1e-2,b=2.0) are the same penalty, ./no-such.ts,b=2,eps=0.01: its runs would be trained twice; give each once ('./no-such.ts,b=2,eps=0.01')",
    );
    // A parameter left out, or the proximal step: told apart (its default is the module's).
    for (const penalties of ['./no-such.ts,./no-such.ts,eps=0.01', './no-such.ts,./no-such.ts,prox'])
      expect(sweepGrid({ ...flags, penalties, strengths: '1e-4' }).penalties).toHaveLength(2);
  });

  it('takes l1,prox as one penalty, its proximal step', () => {
    expect(sweepGrid({ ...flags, penalties: 'none,l1,prox,l2', strengths: '1e-4' })).toEqual({
      penalties: ['none', 'l1,prox', 'l2'],
      strengths: [1e-4],
      seeds: [42],
    });
  });

  it('refuses it when a penalty takes one (a module’s always does)', () => {
    expect(() => sweepGrid({ ...flags, penalties: 'none,./mine.ts' })).toThrow(
      "--strengths '1e-4,0.0001': items 1 and 2 (1e-4 and 0.0001) are the same strength",
    );
  });
});
