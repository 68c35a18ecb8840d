/**
 * A sweep's figures: a final score of each run against its penalty's strength λ (log axis), one
 * colour per penalty, the seeds of a cell as a band.
 *
 *   runs ─► (penalty without λ, λ, seed) from each record's config ─► the score after its last epoch
 *        ─► per (penalty, λ): mean over seeds (line and points), min–max (band), each seed (dots)
 *   a penalty without a strength (`none`) ─► a dashed horizontal line at its mean, its band across
 *   the subtitle says over how many seeds the means are, naming the cells with fewer
 *
 * @example
 * const spec = sweepSpec(records, 'sparsity');   // records: the sweep's finished runs
 */
import type { TopLevelSpec } from 'vega-lite';
import { SpecError } from '../../errors.ts';
import type { RunRecord } from '../../formats/index.ts';
import { PROX_FLAG, parsePenaltySpec } from '../../registry/index.ts';
import { maxOf, minOf } from './extent.ts';
import { fitToCard } from './fit-width.ts';
import { shownSpec } from './format.ts';
import { CONFIG, figureHead, runColor, SIZE } from './theme.ts';

/** What a sweep figure plots: the share of |w| < 1e-3, or the test accuracy, after the last epoch. */
export type SweepMetric = 'sparsity' | 'accuracy';

/** One cell of the grid, over its seeds. */
export interface SweepCell {
  /** The penalty without its strength, e.g. `l1`, `deadzone (a=0.25)`. */
  readonly penalty: string;
  /** λ; null for a penalty without a strength. */
  readonly strength: number | null;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  /** The seeds' values, in run order. */
  readonly values: ReadonlyArray<{ readonly seed: number; readonly run: string; readonly value: number }>;
}

/**
 * `deadzone:1e-4,a=0.25` → `{ penalty: 'deadzone (a=0.25)', strength: 1e-4 }`; `l1:1e-4,prox` →
 * `{ penalty: 'l1 (prox)', strength: 1e-4 }`; `none` → strength null. A SpecError for a spec it
 * cannot read, or a run's label of several penalties (`l1:1e-4 + l2:1e-4`), which has no one strength.
 */
export function sweepAxes(spec: string): { penalty: string; strength: number | null } {
  if (spec.includes(' + ')) throw new SpecError(`penalty '${spec}' is several penalties, with no one strength`);
  const parsed = parsePenaltySpec(spec);
  const strength = parsed.positional === undefined ? null : Number(parsed.positional);
  const items = [...parsed.params.map(([k, v]) => `${k}=${v}`), ...(parsed.prox ? [PROX_FLAG] : [])].join(', ');
  return { penalty: items ? `${parsed.name} (${items})` : parsed.name, strength: strength !== null && strength > 0 ? strength : null };
}

/** The runs whose penalty `sweepAxes` cannot place, each with why: `l1_mixed (penalty 'l1:1e-4 + l2:1e-4' is several penalties…)`. */
function sweepUnplaced(runs: readonly RunRecord[]): string[] {
  return runs.flatMap((run) => {
    try {
      sweepAxes(run.config.penalty);
      return [];
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      return [`${run.config.name} (${err.message})`];
    }
  });
}

/** A run's score after its last epoch (the untrained model's when none finished); null when not measured. */
function score(run: RunRecord, metric: SweepMetric): number | null {
  const last = run.epochs.at(-1) ?? run.initial;
  return metric === 'sparsity' ? last.sparsity.lt1e3 : last.testAcc;
}

/** The grid's cells: runs grouped by penalty and strength, in order of first appearance. */
export function sweepCells(runs: readonly RunRecord[], metric: SweepMetric): SweepCell[] {
  const cells = new Map<string, { penalty: string; strength: number | null; values: Array<{ seed: number; run: string; value: number }> }>();
  for (const run of runs) {
    const value = score(run, metric);
    if (value === null || !Number.isFinite(value) || sweepUnplaced([run]).length > 0) continue;
    const axes = sweepAxes(run.config.penalty);
    const key = `${axes.penalty}\u0000${axes.strength}`;
    const cell = cells.get(key) ?? { ...axes, values: [] };
    cell.values.push({ seed: run.config.seed, run: run.config.name, value });
    cells.set(key, cell);
  }
  return [...cells.values()].map((c) => {
    const vs = c.values.map((v) => v.value);
    return { ...c, mean: vs.reduce((s, v) => s + v, 0) / vs.length, lo: minOf(vs), hi: maxOf(vs) };
  });
}

const TEXT: Record<SweepMetric, { title: string; axis: string; what: string }> = {
  sparsity: { title: 'Sparsity against strength', axis: 'fraction of weights with |w| < 1e-3', what: 'share of all weights with |w| < 1e-3' },
  accuracy: { title: 'Test accuracy against strength', axis: 'test accuracy', what: 'test accuracy' },
};

/**
 * How many seeds each point's mean is over: `mean of 2 seeds`, or, when some cells have fewer (a
 * sweep drawn before all its runs finished), those cells named: `mean of 2 seeds (1 for l1 at λ=1e-4)`.
 */
function seedsText(cells: readonly SweepCell[]): string {
  const most = maxOf(
    cells.map((c) => c.values.length),
    0,
  );
  const plural = (n: number) => `${n} seed${n === 1 ? '' : 's'}`;
  const fewer = cells.filter((c) => c.values.length < most);
  const named = fewer.map((c) => `${c.values.length} for ${c.penalty}${c.strength === null ? '' : ` at λ=${c.strength.toExponential()}`}`);
  return `mean of ${plural(most)}${named.length ? ` (${named.join(', ')})` : ''}`;
}

/** What the subtitle says of the runs not drawn: ` · not drawn: l1_mixed (…)`, or nothing. */
function unplacedText(runs: readonly RunRecord[]): string {
  const unplaced = sweepUnplaced(runs);
  return unplaced.length ? ` · not drawn: ${unplaced.join('; ')}` : '';
}

/** The score of every run against λ: one line per penalty (mean over seeds), a band from the lowest to the highest seed. */
export function sweepSpec(runs: readonly RunRecord[], metric: SweepMetric): TopLevelSpec {
  const cells = sweepCells(runs, metric);
  const penalties = [...new Set(cells.map((c) => c.penalty))];
  const rows = cells.flatMap((c) => [
    { kind: c.strength === null ? 'flat' : 'curve', penalty: c.penalty, strength: c.strength, mean: c.mean, lo: c.lo, hi: c.hi, seeds: c.values.length },
    ...c.values.map((v) => ({
      kind: c.strength === null ? 'flat-seed' : 'seed',
      penalty: c.penalty,
      strength: c.strength,
      value: v.value,
      seed: v.seed,
      run: v.run,
    })),
  ]);
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  // Coloured as the runs' figures colour runs (the penalty names them), long names shortened alike.
  const color = runColor(penalties, 'penalty');
  // The grid's strengths are the only ones there are: the ticks, with room around the outer ones.
  const strengths = [...new Set(cells.flatMap((c) => (c.strength === null ? [] : [c.strength])))].sort((a, b) => a - b);
  const x = {
    field: 'strength',
    type: 'quantitative',
    title: 'strength λ',
    scale: { type: 'log', nice: false, padding: 18 },
    axis: { values: strengths, format: '~e' },
  } as const;
  const y = (field: string) =>
    ({ field, type: 'quantitative', title: TEXT[metric].axis, scale: { zero: false, nice: true }, axis: { format: '.2~%' } }) as const;
  const y2 = { field: 'hi' } as const;
  const format = metric === 'sparsity' ? '.2%' : '.4f';
  const subtitle = `${TEXT[metric].what} after each run's newest epoch; line: ${seedsText(cells)}, band: lowest to highest seed${unplacedText(runs)}`;
  return shownSpec({
    ...figureHead(TEXT[metric].title, subtitle),
    ...SIZE.line,
    // Narrower on a page's narrow card.
    params: fitToCard({ plots: [SIZE.line.width] }, subtitle),
    data: { values: rows },
    layer: [
      { transform: only('flat'), mark: { type: 'rect', fillOpacity: 0.12 }, encoding: { y: y('lo'), y2, color } },
      { transform: only('flat'), mark: { type: 'rule', strokeDash: [6, 3], strokeWidth: 2 }, encoding: { y: y('mean'), color } },
      { transform: only('curve'), mark: { type: 'area', fillOpacity: 0.18 }, encoding: { x, y: y('lo'), y2, color } },
      {
        transform: only('curve'),
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: y('mean'),
          color,
          tooltip: [
            { field: 'penalty' },
            { field: 'strength', title: 'λ', format: '~e' },
            { field: 'mean', format },
            { field: 'lo', title: 'lowest', format },
            { field: 'hi', title: 'highest', format },
            { field: 'seeds' },
          ],
        },
      },
      {
        transform: only('seed'),
        mark: { type: 'point', size: 20, strokeOpacity: 0.7 },
        encoding: { x, y: y('value'), color, tooltip: [{ field: 'run' }, { field: 'seed' }, { field: 'value', format }] },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec);
}
