/**
 * Text of the figures and the report, in one place: the `epoch=E loss=L acc=A` title, weight
 * counts, and number formats (plain JavaScript, so the output does not depend on the locale).
 */

import { visibleControls } from '../../errors.ts';
import type { Histogram, RunRecord, WeightsSnapshot } from '../../formats/index.ts';
import { formatSpec, OPTIMIZER_SIGNATURES, parseSpec } from '../../registry/index.ts';

export { visibleControls };

/**
 * A figure's spec as every renderer shows it — the PNG and SVG files, report.html, the dashboard,
 * the playground: each string in it (data values, keys, titles, subtitles, axis, legend and header
 * labels, scale domains, tooltips) through `visibleControls`, so a record's string cannot show
 * itself reordered in a legend or a tooltip. Every figure returns its spec through it, the one
 * place record strings pass on their way into a spec. A string quoted into a Vega expression (a
 * facet's labels, facets.ts) is escaped before it is quoted there: the expression would read an
 * escape back as the character. Parts without a control character are returned as they are.
 *
 * @example
 * shownSpec({ title: 'l1\u202egnp', data: { values: [{ run: 'a\u0007', x: 1 }] } })
 * // { title: 'l1\\u202egnp', data: { values: [{ run: 'a\\u0007', x: 1 }] } }
 */
export function shownSpec<T>(spec: T): T {
  return shown(spec) as T;
}

function shown(value: unknown): unknown {
  if (typeof value === 'string') return visibleControls(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const y = shown(value[i]);
      if (y !== value[i]) (copy ??= value.slice())[i] = y;
    }
    return copy ?? value;
  }
  // Copied from the first key or value that changes, the keys before it as they are.
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let copy: Record<string, unknown> | undefined;
  keys.forEach((k, i) => {
    const y = shown(object[k]);
    const key = visibleControls(k);
    if (!copy && (y !== object[k] || key !== k)) copy = Object.fromEntries(keys.slice(0, i).map((j) => [j, object[j]]));
    if (copy) copy[key] = y;
  });
  return copy ?? value;
}

/** `x` with 4 decimals (`0.0412`); `n/a` for a score that was not measured (null). */
export function fixed4(x: number | null): string {
  if (x === null) return 'n/a';
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

/** An integer with comma grouping: 1199882 → `1,199,882`. */
export function grouped(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A fraction as a percentage with 2 decimals: 0.12345 → `12.35%`. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** A share as a short percentage: `0%`, `<0.1%`, `12.5%`, `100%`. */
export function shortPercent(x: number): string {
  if (x === 0) return '0%';
  if (x > 0 && x < 0.001) return '<0.1%';
  return `${Number((100 * x).toFixed(1))}%`;
}

/** The title of one snapshot: `epoch=3 loss=0.0412 acc=0.9871`. */
export function snapshotTitle(s: Pick<WeightsSnapshot, 'epoch' | 'testLoss' | 'testAcc'>): string {
  return `epoch=${s.epoch} loss=${fixed4(s.testLoss)} acc=${fixed4(s.testAcc)}`;
}

/** A range edge as written in counts and axis texts, with a real minus sign: −1, 1, 0.5. */
export function edge(x: number): string {
  return x < 0 ? `−${-x}` : String(x);
}

/** How many weights fall outside the histogram or are exactly 0. */
export function countsLine(h: Histogram, what = 'weights'): string {
  return `${grouped(h.count)} ${what} · below ${edge(h.lo)}: ${grouped(h.below)} · above ${edge(h.hi)}: ${grouped(h.above)} · exactly 0: ${grouped(h.zeros)}`;
}

/** Whether the runs were trained with different optimisers (then labels name them). */
function optimizersDiffer(runs: readonly RunRecord[]): boolean {
  return new Set(runs.map((r) => r.config.optimizer)).size > 1;
}

/** An optimiser spec without the parameters left at their defaults (lr and wd always shown): `adamw:lr=0.001,wd=1e-4`. */
export function shortOptimizer(spec: string): string {
  try {
    const parsed = parseSpec(spec);
    const signature = Object.hasOwn(OPTIMIZER_SIGNATURES, parsed.name) ? OPTIMIZER_SIGNATURES[parsed.name as keyof typeof OPTIMIZER_SIGNATURES] : undefined;
    if (!signature) return spec;
    const params: Readonly<Record<string, { readonly default: number }>> = signature.params;
    const kept = parsed.params.filter(([k, v]) => k === 'lr' || k === 'wd' || !(k in params) || Number(v) !== params[k]?.default);
    return formatSpec(parsed.name, undefined, Object.fromEntries(kept.map(([k, v]) => [k, Number(v)])));
  } catch {
    return spec;
  }
}

/**
 * The legend / column label of each run: its penalty spec, plus its optimiser spec when the runs'
 * optimisers differ (so `l2:1e-4 · adam:lr=0.001` and `none · adamw:lr=0.001,wd=1e-4` are told
 * apart), with the run's name added when two labels would still be equal (e.g. two seeds of
 * `l1:1e-4`).
 *
 * @example
 * runLabels(records)   // ['none', 'l1:1e-4 (l1_seed=1)', 'l1:1e-4 (l1_seed=2)']
 */
export function runLabels(runs: readonly RunRecord[]): string[] {
  const withOptimizer = optimizersDiffer(runs);
  const base = runs.map((r) => (withOptimizer ? `${r.config.penalty} · ${shortOptimizer(r.config.optimizer)}` : r.config.penalty));
  const labels = runs.map((r, i) =>
    base.indexOf(base[i] as string) === base.lastIndexOf(base[i] as string) ? (base[i] as string) : `${base[i]} (${r.config.name || `run ${i + 1}`})`,
  );
  // Still equal (same penalty, optimiser and name): number them.
  return labels.map((l, i) => (labels.indexOf(l) === labels.lastIndexOf(l) ? l : `${l} #${i + 1}`));
}

/** The title of the legend of `runLabels`: `penalty`, or `penalty · optimizer` when those differ. */
export function runLabelsTitle(runs: readonly RunRecord[]): string {
  return optimizersDiffer(runs) ? 'penalty · optimizer' : 'penalty';
}

/** Ascending epochs with their runs shortened: `0–10, 20, 30–32` (`none` for none). */
export function epochRanges(epochs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < epochs.length; ) {
    let j = i;
    while (j + 1 < epochs.length && epochs[j + 1] === (epochs[j] as number) + 1) j++;
    parts.push(j > i + 1 ? `${epochs[i]}–${epochs[j]}` : epochs.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.length ? parts.join(', ') : 'none';
}
