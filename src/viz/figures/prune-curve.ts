/**
 * The prune curve, one line per run: test accuracy when the k % smallest |w| of the kernels are set
 * to 0 (solid: over all kernels together; dashed: in each layer apart), and below it the weights'
 * size stored sparse at each level (global pruning) against the dense float32 size (grey rule).
 * By default each run's latest curve is drawn (the one after its last measured epoch); with
 * `epochs`, the curves measured after each of them side by side, one panel per epoch on shared axes.
 * A run without a curve to draw (a comparison stopped before its last epoch, say) is named in the
 * subtitle: `no curve measured for "l1:1e-4"` (quoted: a run may be called `none`). A run of a model of
 * several outputs draws a line per output, its points shaped by output (the dashes are the scopes').
 */
import type { TopLevelSpec } from 'vega-lite';
import { accuraciesOf, curveLacksOutputAccuracies, type PruneCurve, type PrunePoint, type RunRecord } from '../../formats/index.ts';
import { ALL_OUTPUTS } from './accuracy.ts';
import { fitToCard } from './fit-width.ts';
import { epochRanges, runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { CONFIG, figureHead, LINE_LEGEND, shownRunColor } from './theme.ts';

/** The latest prune curve of a run and the epoch it was measured after, if it has one. */
export function latestPruneCurve(run: RunRecord): { epoch: number; curve: PruneCurve } | undefined {
  const e = [...run.epochs].reverse().find((x) => x.prune);
  return e?.prune ? { epoch: e.epoch, curve: e.prune } : undefined;
}

/** The epochs after which some run measured a prune curve, ascending. */
export function prunedEpochs(runs: readonly RunRecord[]): number[] {
  return [...new Set(runs.flatMap((r) => r.epochs.filter((e) => e.prune).map((e) => e.epoch)))].sort((a, b) => a - b);
}

/** True when some run measured a prune curve. */
export function hasPruneCurve(runs: readonly RunRecord[]): boolean {
  return runs.some((r) => latestPruneCurve(r) !== undefined);
}

const SCOPES = [
  { key: 'global', label: 'all kernels together' },
  { key: 'perLayer', label: 'each layer apart' },
] as const;

/** `pruneCurveSpec`'s options: the epochs whose curves are drawn, and the plots' size. */
export interface PruneCurveOptions {
  /** The curves measured after these epochs, one panel each (a run without a curve there is left out of it); default each run's latest, in one panel. */
  readonly epochs?: readonly number[];
  /** Size of one accuracy plot (the size plot under it is 0.6 as high); default 520 × 240, or 360 × 240 a panel when there are several. */
  readonly size?: { readonly width: number; readonly height: number };
}

/** One panel's curves: per run shown, its label, the curve and the epoch it was measured after. */
interface Panel {
  readonly title?: string;
  readonly curves: ReadonlyArray<{ readonly label: string; readonly epoch: number; readonly curve: PruneCurve }>;
}

/** `epoch 10` or `epochs 10, 20`. */
const epochsText = (epochs: readonly number[]) => `epoch${epochs.length > 1 ? 's' : ''} ${epochRanges(epochs)}`;

/** The panels: one of each run's latest curve, or one per epoch asked for; and what each leaves out. */
function panelsOf(runs: readonly RunRecord[], labels: readonly string[], epochs: readonly number[] | undefined): { panels: Panel[]; notes: string[] } {
  if (!epochs) {
    const curves = runs.flatMap((run, i) => {
      const latest = latestPruneCurve(run);
      return latest ? [{ label: labels[i] as string, ...latest }] : [];
    });
    const shown = [...new Set(curves.map((c) => c.epoch))];
    const more = prunedEpochs(runs).filter((e) => !shown.includes(e));
    const absent = labels.filter((l) => !curves.some((c) => c.label === l));
    return {
      panels: [{ curves }],
      notes: [
        ...(more.length ? [`curves also measured after ${epochsText(more)}, not drawn here`] : []),
        ...(absent.length ? [`no curve measured for ${absent.map((a) => `"${a}"`).join(', ')}`] : []),
      ],
    };
  }
  const panels = epochs.map((epoch) => ({
    title: `after epoch ${epoch}`,
    curves: runs.flatMap((run, i) => {
      const curve = run.epochs.find((e) => e.epoch === epoch)?.prune;
      return curve ? [{ label: labels[i] as string, epoch, curve }] : [];
    }),
  }));
  const notes = panels.flatMap((p, k) => {
    const absent = labels.filter((l) => !p.curves.some((c) => c.label === l));
    return absent.length ? [`no curve after epoch ${epochs[k]}: ${absent.join(', ')}`] : [];
  });
  return { panels, notes };
}

/**
 * What the prune curve says, before the runs' labels, of a curve of a model of several outputs that holds no
 * output's accuracy (formats' `curveLacksOutputAccuracies`: measured by a penx before its points recorded them).
 */
export const NO_OUTPUT_ACCURACIES =
  "no accuracy drawn: a model of several outputs whose curve was measured before prune curves recorded each output's (measure it again) —";

/** What the prune curve says when it draws a line per output (a model of several outputs has no single accuracy). */
export const PER_OUTPUT_PRUNE = 'several outputs: one line per output (point shapes)';

/**
 * A point's accuracies to draw: its own, or each output's (`output` set), or its null one when it has
 * neither; `sized` on the first, the row the size plot draws.
 */
function pointAccuracies(p: PrunePoint) {
  const accs = accuraciesOf(p);
  return (accs.length ? accs : [{ acc: null }]).map((a, i) => ({ ...a, sized: i === 0 }));
}

/** The prune-curve figure of `runs` (those without a curve are left out, and named in the subtitle). */
export function pruneCurveSpec(runs: RunRecord[], options: PruneCurveOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const { panels, notes } = panelsOf(runs, labels, options.epochs);
  if (panels.every((p) => p.curves.length === 0)) return notMeasuredSpec();
  // A curve of several outputs measured before its points recorded each output's accuracy: said, not drawn as a loss without one.
  const lacking = labels.filter((l, i) => panels.some((p) => p.curves.some((c) => c.label === l && curveLacksOutputAccuracies(runs[i] as RunRecord, c.curve))));
  const lackNote = lacking.length ? [`${NO_OUTPUT_ACCURACIES} ${lacking.map((l) => `"${l}"`).join(', ')}`] : [];
  const several = panels.length > 1;
  const size = options.size ?? { width: several ? 360 : 520, height: 240 };
  const shown = labels.filter((l) => panels.some((p) => p.curves.some((c) => c.label === l)));
  const levels = [...new Set(panels.flatMap((p) => p.curves.flatMap((c) => c.curve.global.map((x) => x.level))))].sort((a, b) => a - b);
  // A model of several outputs: a row per output of each point, named by output (a run's single accuracy beside them: `all`).
  const byOutput = panels.some((p) => p.curves.some((c) => c.curve.global.some((x) => accuraciesOf(x).some((a) => a.output !== undefined))));
  const rows = panels.flatMap(({ curves }, panel) =>
    curves.flatMap(({ label, epoch, curve }) =>
      SCOPES.flatMap((s) =>
        curve[s.key].flatMap((p) =>
          (byOutput ? pointAccuracies(p) : [{ acc: p.testAcc }]).map((a) => ({
            panel,
            run: label,
            scope: s.label,
            level: String(p.level),
            ...('sized' in a ? { output: a.output ?? ALL_OUTPUTS, sized: a.sized } : {}),
            acc: a.acc,
            zeros: p.zeros,
            dense: p.size.dense / 1024,
            sparse: p.size.sparse / 1024,
            ratio: p.size.ratio,
            epoch,
          })),
        ),
      ),
    ),
  );
  const outputs = [...new Set(rows.flatMap((r) => ('output' in r ? [r.output] : [])))];
  // Its legend's symbols as large as Vega draws a point's (LINE_LEGEND's are line segments, 500 px² as points).
  const shape = byOutput ? { shape: { field: 'output', type: 'nominal', title: 'output', sort: outputs } } : {};
  const x = {
    field: 'level',
    type: 'ordinal',
    sort: levels.map(String),
    title: 'kernel weights set to 0 (%, the smallest |w| first)',
    axis: { labelAngle: 0 },
  } as const;
  // Each run in its colour of the other figures (a run without a curve leaves its colour unused).
  const color = shownRunColor(labels, shown, runLabelsTitle(runs));
  const accuracy = {
    ...size,
    encoding: {
      x: { ...x, title: null },
      y: { field: 'acc', type: 'quantitative', title: 'test accuracy', scale: { zero: false }, axis: { format: '.1~%' } },
      color,
      detail: byOutput
        ? [
            { field: 'scope', type: 'nominal' },
            { field: 'output', type: 'nominal' },
          ]
        : { field: 'scope', type: 'nominal' },
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
          ...shape,
          tooltip: [
            { field: 'run', title: color.title },
            ...(byOutput ? [{ field: 'output' }] : []),
            { field: 'epoch', title: 'after epoch' },
            { field: 'scope', title: 'pruned over' },
            { field: 'level', title: 'set to 0 (%)' },
            { field: 'acc', title: 'test acc', format: '.4f' },
            { field: 'zeros', title: 'kernel weights at 0', format: '.2%' },
          ],
        },
      },
    ],
  };
  const stored = {
    ...size,
    height: Math.round(size.height * 0.6),
    // A point's sizes once (a model of several outputs has a row per output).
    transform: [{ filter: `datum.scope === '${SCOPES[0].label}'${byOutput ? ' && datum.sized' : ''}` }],
    layer: [
      {
        mark: { type: 'rule', color: '#999', strokeDash: [4, 3] },
        encoding: {
          y: { aggregate: 'max', field: 'dense', type: 'quantitative' },
          tooltip: [{ aggregate: 'max', field: 'dense', title: 'dense float32 (KiB)', format: ',.1f' }],
        },
      },
      {
        mark: { type: 'text', color: '#777', align: 'right', baseline: 'bottom', dy: -3 },
        // At the plot's right edge, as wide as it is drawn (narrower on a page's narrow card).
        encoding: { x: { value: 'width' }, y: { aggregate: 'max', field: 'dense', type: 'quantitative' }, text: { value: 'dense (float32)' } },
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
            { field: 'run', title: color.title },
            { field: 'epoch', title: 'after epoch' },
            { field: 'level', title: 'set to 0 (%)' },
            { field: 'sparse', title: 'sparse (KiB)', format: ',.1f' },
            { field: 'dense', title: 'dense float32 (KiB)', format: ',.1f' },
            { field: 'ratio', title: 'dense / sparse', format: '.1f' },
          ],
        },
      },
    ],
  };
  // Several panels: a row of accuracy plots (titled by epoch) over a row of size plots, each row on one y scale.
  const row = (unit: object, titled: boolean) => ({
    hconcat: panels.map((p, i) => ({
      ...unit,
      ...(titled ? { title: p.title } : {}),
      transform: [{ filter: `datum.panel === ${i}` }, ...(('transform' in unit && (unit.transform as object[])) || [])],
    })),
    resolve: { scale: { y: 'shared', color: 'shared' } },
  });
  const after = several
    ? `after epochs ${options.epochs?.join(', ')}, one panel each`
    : `after ${epochsText([...new Set(panels[0]?.curves.map((c) => c.epoch))].sort((a, b) => a - b))}`;
  const what = `test accuracy with the k % smallest kernel weights set to 0, ${after}; 0 % is the trained model`;
  const more = [...notes, ...lackNote, ...(byOutput ? [PER_OUTPUT_PRUNE] : [])];
  const subtitle = more.length ? [what, ...more] : what;
  return shownSpec({
    ...figureHead('Prune curve', subtitle),
    // The plots of a row narrower on a page's narrow card.
    params: fitToCard({ plots: panels.map(() => size.width) }, subtitle),
    data: { values: rows },
    vconcat: several ? [row(accuracy, true), row(stored, false)] : [accuracy, stored],
    resolve: { scale: { color: 'shared' } },
    config: CONFIG,
  } as TopLevelSpec);
}

/** What the figure shows when no run measured a prune curve: a line saying so, and how to measure one. */
function notMeasuredSpec(): TopLevelSpec {
  return shownSpec({
    ...figureHead('Prune curve: not measured for these runs', "measured on the validation data after the epochs that fit's prune option names"),
    width: 520,
    height: 20,
    data: { values: [{ text: 'no run chosen has a prune curve' }] },
    mark: { type: 'text', align: 'left', x: 0, fontSize: 12, color: '#555' },
    encoding: { text: { field: 'text', type: 'nominal' } },
    config: CONFIG,
  } as TopLevelSpec);
}
