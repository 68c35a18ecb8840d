/**
 * Penalty shapes: λ·φ(w) and its slope d(λ·φ)/dw over a weight range, for each compared penalty —
 * the graphs that explain why L1 drives weights to exactly 0 (a constant pull, even near 0), L2
 * only shrinks them (a pull ∝ w), and L3/L4 leave small weights alone. The curves come from the
 * run records (training stores them; penalty-explorer/node's `penaltyCurves` takes them out), so
 * this stays a pure function of data.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PenaltyCurve, PenaltyInfo, RunRecord } from '../../formats/index.ts';
import { fitToCard } from './fit-width.ts';
import { shownSpec } from './format.ts';
import { emptyFigure } from './norms-grid.ts';
import { CONFIG, figureHead, runColor } from './theme.ts';

export type { PenaltyCurve };

/** The distinct penalties of a run, in order (`none` for a run without any: the flat baseline next to the others). */
function runPenalties(run: RunRecord): PenaltyInfo[] {
  const found = [...new Map(run.config.weights.flatMap((w) => (w.penalty ? [[w.penalty.spec, w.penalty] as const] : []))).values()];
  return found.length ? found : [{ spec: 'none', strength: null, formula: '0', source: 'builtin' }];
}

/** The stored curve of a penalty of the run (training samples each one into the record) cut to the range, if the record has one. */
function storedCurve(run: RunRecord, spec: string, range: readonly [number, number]): PenaltyCurve | undefined {
  const curve = run.config.penaltyCurves?.find((c) => c.spec === spec);
  if (!curve) return undefined;
  const eps = 1e-9 * (range[1] - range[0]);
  return { ...curve, points: curve.points.filter((p) => p.w >= range[0] - eps && p.w <= range[1] + eps) };
}

/**
 * Each distinct penalty of `runs` over the range, from the curves their records store — reading no
 * code, so a page can draw it — or else from `fallback` (penalty-explorer/node's `penaltyCurves`
 * samples a built-in there, for a record from before curves were stored); `missing` names the rest.
 */
export function storedPenaltyCurves(
  runs: readonly RunRecord[],
  range: readonly [number, number] = [-1, 1],
  fallback: (spec: string) => PenaltyCurve | undefined = () => undefined,
): { curves: PenaltyCurve[]; missing: string[] } {
  const curves: PenaltyCurve[] = [];
  const missing: string[] = [];
  for (const run of runs) {
    for (const { spec } of runPenalties(run)) {
      if (curves.some((c) => c.spec === spec) || missing.includes(spec)) continue;
      const curve = storedCurve(run, spec, range) ?? fallback(spec);
      if (curve) curves.push(curve);
      else missing.push(spec);
    }
  }
  return { curves, missing };
}

/** The width of each of the two panels (px). */
const PANEL_WIDTH = 270;

/** `penaltyShapesSpec`'s options. */
export interface PenaltyShapesOptions {
  /** Specs that could not be evaluated (e.g. a module no longer found), named in the subtitle. */
  readonly missing?: readonly string[];
}

/**
 * λ·φ(w) and its slope for each penalty curve given (see the file's comment).
 *
 * @example
 * const { curves, missing } = await penaltyCurves(records);   // penalty-explorer/node
 * penaltyShapesSpec(curves, { missing });
 */
export function penaltyShapesSpec(curves: readonly PenaltyCurve[], options: PenaltyShapesOptions = {}): TopLevelSpec {
  const title = 'Penalty shapes';
  if (!curves.length) return emptyFigure(title, `no penalty could be evaluated${options.missing?.length ? ` (${options.missing.join(', ')})` : ''}`);
  const specs = curves.map((c) => c.spec);
  const values = curves.flatMap((c) => c.points.map((p) => ({ penalty: c.spec, ...p })));
  // Coloured as the runs' figures colour runs (the penalty names them), long names shortened alike.
  const color = runColor(specs, 'penalty');
  const panel = (field: 'value' | 'slope', text: string) => ({
    title: { text, fontSize: 13 },
    width: PANEL_WIDTH,
    height: 200,
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'w', type: 'quantitative', title: 'weight w', scale: { nice: false, zero: false } },
      y: { field, type: 'quantitative', title: text, axis: { format: '~g' } },
      color,
      tooltip: [{ field: 'penalty' }, { field: 'w', format: '.3~g' }, { field, format: '.4~g' }],
    },
  });
  const subtitle = [
    'what each penalty adds to the loss for one weight w, and its slope (the pull toward 0 per unit of λ·φ):',
    // Three formulas a line, so the title stays within the two panels' width.
    ...chunks(
      curves.map((c) => `${c.spec} = ${c.formula}`),
      3,
    ).map((line) => line.join(' · ')),
    ...(options.missing?.length ? [`not evaluated: ${options.missing.join(', ')}`] : []),
  ];
  return shownSpec({
    ...figureHead(title, subtitle),
    // Both panels narrower on a page's narrow card, one under the other on the narrowest.
    params: fitToCard({ plots: [PANEL_WIDTH, PANEL_WIDTH], stack: true }, subtitle),
    data: { values },
    concat: [panel('value', 'λ·φ(w)'), panel('slope', 'slope d(λ·φ)/dw')],
    columns: 2,
    config: CONFIG,
  } as TopLevelSpec);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
