/**
 * The prune curve, one line per run: test accuracy when the k % smallest |w| of the kernels are set
 * to 0 (solid: over all kernels together; dashed: in each layer apart), and below it the weights'
 * size stored sparse at each level (global pruning) against the dense float32 size (grey rule).
 * Each run's latest curve is drawn (the one after its last measured epoch).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PruneCurve, RunRecord } from '../../formats/index.ts';
import { runLabels } from './format.ts';
import { CONFIG, figureHead, LINE_LEGEND, runColor } from './theme.ts';

/** The latest prune curve of a run and the epoch it was measured after, if it has one. */
export function latestPruneCurve(run: RunRecord): { epoch: number; curve: PruneCurve } | undefined {
  const e = [...run.epochs].reverse().find((x) => x.prune);
  return e?.prune ? { epoch: e.epoch, curve: e.prune } : undefined;
}

/** True when some run measured a prune curve. */
export function hasPruneCurve(runs: readonly RunRecord[]): boolean {
  return runs.some((r) => latestPruneCurve(r) !== undefined);
}

const SCOPES = [
  { key: 'global', label: 'all kernels together' },
  { key: 'perLayer', label: 'each layer apart' },
] as const;

/** The prune-curve figure of `runs` (those without a curve are left out). */
export function pruneCurveSpec(runs: RunRecord[], size: { width: number; height: number } = { width: 520, height: 240 }): TopLevelSpec {
  const labels = runLabels(runs);
  const measured = runs.map((run, i) => ({ label: labels[i] as string, latest: latestPruneCurve(run) })).filter((r) => r.latest);
  if (measured.length === 0) return notMeasuredSpec();
  const shown = measured.map((r) => r.label);
  const levels = [...new Set(measured.flatMap((r) => r.latest!.curve.global.map((p) => p.level)))].sort((a, b) => a - b);
  const rows = measured.flatMap(({ label, latest }) =>
    SCOPES.flatMap((s) =>
      latest!.curve[s.key].map((p) => ({
        run: label,
        scope: s.label,
        level: String(p.level),
        acc: p.testAcc,
        zeros: p.zeros,
        dense: p.size.dense / 1024,
        sparse: p.size.sparse / 1024,
        ratio: p.size.ratio,
        epoch: latest!.epoch,
      })),
    ),
  );
  const epochs = [...new Set(measured.map((r) => r.latest!.epoch))];
  const x = {
    field: 'level',
    type: 'ordinal',
    sort: levels.map(String),
    title: 'kernel weights set to 0 (%, the smallest |w| first)',
    axis: { labelAngle: 0 },
  } as const;
  const color = runColor(shown);
  return {
    ...figureHead('Prune curve', `test accuracy with the k % smallest kernel weights set to 0, after epoch ${epochs.join(', ')}; 0 % is the trained model`),
    data: { values: rows },
    vconcat: [
      {
        ...size,
        encoding: {
          x: { ...x, title: null },
          y: { field: 'acc', type: 'quantitative', title: 'test accuracy', scale: { zero: false }, axis: { format: '.0%' } },
          color,
          detail: { field: 'scope', type: 'nominal' },
        },
        layer: [
          {
            mark: { type: 'line', strokeWidth: 2 },
            encoding: {
              strokeDash: {
                field: 'scope',
                type: 'nominal',
                title: 'pruned over',
                sort: SCOPES.map((s) => s.label),
                legend: { ...LINE_LEGEND, symbolStrokeColor: '#333' },
                scale: {
                  domain: SCOPES.map((s) => s.label),
                  range: [
                    [1, 0],
                    [5, 3],
                  ],
                },
              },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 30, opacity: 1 },
            encoding: {
              tooltip: [
                { field: 'run', title: 'penalty' },
                { field: 'scope', title: 'pruned over' },
                { field: 'level', title: 'set to 0 (%)' },
                { field: 'acc', title: 'test acc', format: '.4f' },
                { field: 'zeros', title: 'kernel weights at 0', format: '.2%' },
              ],
            },
          },
        ],
      },
      {
        ...size,
        height: Math.round(size.height * 0.6),
        transform: [{ filter: `datum.scope === '${SCOPES[0].label}'` }],
        layer: [
          {
            mark: { type: 'rule', color: '#999', strokeDash: [4, 3] },
            encoding: {
              y: { aggregate: 'max', field: 'dense', type: 'quantitative' },
              tooltip: [{ aggregate: 'max', field: 'dense', title: 'dense float32 (KiB)', format: ',.1f' }],
            },
          },
          {
            mark: { type: 'text', color: '#777', align: 'right', baseline: 'bottom', dy: -3, x: { expr: 'width' } },
            encoding: { y: { aggregate: 'max', field: 'dense', type: 'quantitative' }, text: { value: 'dense (float32)' } },
          },
          {
            mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
            encoding: {
              x,
              y: {
                field: 'sparse',
                type: 'quantitative',
                title: 'size stored sparse (KiB, log)',
                scale: { type: 'log' },
                axis: { values: [1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000], format: ',~r' },
              },
              color,
              tooltip: [
                { field: 'run', title: 'penalty' },
                { field: 'level', title: 'set to 0 (%)' },
                { field: 'sparse', title: 'sparse (KiB)', format: ',.1f' },
                { field: 'dense', title: 'dense float32 (KiB)', format: ',.1f' },
                { field: 'ratio', title: 'dense / sparse', format: '.1f' },
              ],
            },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'shared' } },
    config: CONFIG,
  } as TopLevelSpec;
}

/** What the figure shows when no run measured a prune curve: a line saying so, and how to measure one. */
function notMeasuredSpec(): TopLevelSpec {
  return {
    ...figureHead('Prune curve: not measured for these runs', "measured on the validation data after the epochs that fit's prune option names"),
    width: 520,
    height: 20,
    data: { values: [{ text: 'no run chosen has a prune curve' }] },
    mark: { type: 'text', align: 'left', x: 0, fontSize: 12, color: '#555' },
    encoding: { text: { field: 'text', type: 'nominal' } },
    config: CONFIG,
  } as TopLevelSpec;
}
