/** The sweep figures as data: what is plotted (means, bands, seeds), on which scales, from run records. */
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/formats/run.ts';
import { renderSvg } from '../../src/render/render.ts';
import { sweepAxes, sweepCells, sweepSpec } from '../../src/viz/figures/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

/** A one-epoch record of `penalty` and `seed` whose last epoch has these scores. */
function run(penalty: string, seed: number, testAcc: number, lt1e3: number): RunRecord {
  const r = makeRunRecord({ epochs: 1, penalty, seed });
  const last = r.epochs[0]!;
  return { ...r, config: { ...r.config, name: `${penalty}#${seed}` }, epochs: [{ ...last, testAcc, sparsity: { lt1e3, lt1e2: lt1e3 * 2 } }] };
}

const RUNS = [
  run('l1:1e-4', 1, 0.9, 0.1),
  run('l1:1e-4', 2, 0.8, 0.3),
  run('l1:0.001', 1, 0.7, 0.5),
  run('l1:0.001', 2, 0.6, 0.6),
  run('deadzone:1e-4,a=0.25', 1, 0.85, 0.2),
  run('none', 1, 0.95, 0.01),
  run('none', 2, 0.93, 0.03),
];

type Layer = {
  transform: Array<{ filter: string }>;
  mark: { type: string };
  encoding: Record<string, { field?: string; scale?: Record<string, unknown>; axis?: Record<string, unknown> }>;
};
const layers = (spec: unknown) => (spec as { layer: Layer[] }).layer;
const rows = (spec: unknown) => (spec as { data: { values: Array<Record<string, unknown>> } }).data.values;

describe('sweep figures', () => {
  it('read penalty and strength from the spec: the strength apart, parameters kept, none without one', () => {
    expect(sweepAxes('deadzone:1e-4,a=0.25')).toEqual({ penalty: 'deadzone (a=0.25)', strength: 1e-4 });
    expect(sweepAxes('l1:0.001')).toEqual({ penalty: 'l1', strength: 0.001 });
    expect(sweepAxes('none')).toEqual({ penalty: 'none', strength: null });
  });

  it('read a spec with a flag (`l1:1e-4,prox`, valid everywhere) as its own penalty, and leave out a run of several penalties, saying why', () => {
    expect(sweepAxes('l1:1e-4,prox')).toEqual({ penalty: 'l1 (prox)', strength: 1e-4 });
    expect(sweepAxes('deadzone:1e-4,a=0.25,prox')).toEqual({ penalty: 'deadzone (a=0.25, prox)', strength: 1e-4 });
    const mixed = { ...run('l1:1e-4 + l2:1e-4', 1, 0.5, 0.5), config: { ...run('l1:1e-4 + l2:1e-4', 1, 0.5, 0.5).config, name: 'mixed' } };
    const withProx = [...RUNS, run('l1:1e-4,prox', 1, 0.8, 0.4), mixed];
    expect(sweepCells(withProx, 'sparsity').map((c) => [c.penalty, c.strength, c.values.length])).toContainEqual(['l1 (prox)', 1e-4, 1]);
    expect(sweepCells(withProx, 'sparsity').flatMap((c) => c.values.map((v) => v.run))).not.toContain('mixed');
    const subtitle = (sweepSpec(withProx, 'accuracy') as { title: { subtitle: string } }).title.subtitle;
    expect(subtitle).toContain("not drawn: mixed (penalty 'l1:1e-4 + l2:1e-4' is several penalties, with no one strength)");
  });

  it('group the runs by penalty and strength: mean, lowest and highest over the seeds', () => {
    const cells = sweepCells(RUNS, 'sparsity');
    expect(cells.map((c) => [c.penalty, c.strength, c.values.length])).toEqual([
      ['l1', 1e-4, 2],
      ['l1', 0.001, 2],
      ['deadzone (a=0.25)', 1e-4, 1],
      ['none', null, 2],
    ]);
    expect(cells[0]).toMatchObject({ lo: 0.1, hi: 0.3 });
    expect(cells[0]!.mean).toBeCloseTo(0.2, 12);
    expect(sweepCells(RUNS, 'accuracy')[1]).toMatchObject({ lo: 0.6, hi: 0.7 });
    expect(sweepCells(RUNS, 'accuracy')[1]!.mean).toBeCloseTo(0.65, 12);
  });

  it('draw a line of means and a band from lowest to highest against λ on a log axis, the grid’s strengths as ticks; none as a level line', () => {
    const spec = sweepSpec(RUNS, 'accuracy');
    const byKind = (kind: string) => layers(spec).filter((l) => l.transform[0]!.filter.includes(`'${kind}'`));
    const [band, line] = byKind('curve');
    expect(band!.mark.type).toBe('area');
    expect([band!.encoding.y!.field, band!.encoding.y2!.field]).toEqual(['lo', 'hi']);
    expect(line!.mark.type).toBe('line');
    expect(line!.encoding.y!.field).toBe('mean');
    expect(line!.encoding.x!.scale).toMatchObject({ type: 'log' });
    expect(line!.encoding.x!.axis!.values).toEqual([1e-4, 0.001]);
    expect(byKind('flat').map((l) => l.mark.type)).toEqual(['rect', 'rule']);
    expect(byKind('seed')[0]!.encoding.y!.field).toBe('value');
    const flat = rows(spec).find((r) => r.kind === 'flat')!;
    expect(flat).toMatchObject({ penalty: 'none', lo: 0.93, hi: 0.95, seeds: 2 });
    expect(rows(spec).filter((r) => r.kind === 'seed')).toHaveLength(5);
    // deadzone's point is one seed, not a mean of two: the subtitle says so.
    expect((spec as { title: { subtitle: string } }).title.subtitle).toContain('mean of 2 seeds (1 for deadzone (a=0.25) at λ=1e-4),');
  });

  it('say over how many seeds each mean is when cells have different counts (a sweep drawn before its runs all finished)', () => {
    const subtitle = (runs: RunRecord[]) => (sweepSpec(runs, 'accuracy') as { title: { subtitle: string } }).title.subtitle;
    // All three seeds of none done, one of l1's: l1's point is that one run, not a mean of three.
    const partial = [run('none', 1, 0.9, 0.1), run('none', 2, 0.8, 0.1), run('none', 3, 0.7, 0.1), run('l1:1e-4', 1, 0.6, 0.2)];
    expect(subtitle(partial)).toContain('line: mean of 3 seeds (1 for l1 at λ=1e-4), band');
    expect(subtitle(partial.slice(0, 3))).toContain('line: mean of 3 seeds, band');
    expect(subtitle([run('l1:0.001', 1, 0.6, 0.2)])).toContain('line: mean of 1 seed, band');
  });

  it('render to SVG with one legend entry per penalty', async () => {
    const svg = await renderSvg(sweepSpec(RUNS, 'sparsity'));
    expect(svg).toMatch(/^<svg/);
    for (const label of ['l1', 'deadzone (a=0.25)', 'none', 'Sparsity against strength']) expect(svg).toContain(`>${label}<`);
  });
});
