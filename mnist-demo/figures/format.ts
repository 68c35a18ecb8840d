/**
 * Text of the figures and the report, in one place: the `epoch=E loss=L acc=A` title, weight
 * counts, and number formats (plain JavaScript, so the output does not depend on the locale).
 */
import type { Histogram, RunRecord, WeightsSnapshot } from '../run-record.ts';

/** `x` with 4 decimals (`0.0412`). */
export function fixed4(x: number): string {
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

/** The title of one snapshot: `epoch=3 loss=0.0412 acc=0.9871`. */
export function snapshotTitle(s: Pick<WeightsSnapshot, 'epoch' | 'testLoss' | 'testAcc'>): string {
  return `epoch=${s.epoch} loss=${fixed4(s.testLoss)} acc=${fixed4(s.testAcc)}`;
}

/** The edge value as written in counts, with a real minus sign: −1, 1, 0.5. */
function edge(x: number): string {
  return x < 0 ? `−${-x}` : String(x);
}

/** How many weights fall outside the histogram or are exactly 0. */
export function countsLine(h: Histogram): string {
  return `${grouped(h.count)} weights · below ${edge(h.lo)}: ${grouped(h.below)} · above ${edge(h.hi)}: ${grouped(h.above)} · exactly 0: ${grouped(h.zeros)}`;
}

/**
 * The legend / column label of each run: its penalty spec, with the run's name added when two
 * runs share a penalty (e.g. two seeds of `l1:1e-4`).
 */
export function runLabels(runs: readonly RunRecord[]): string[] {
  const penalties = runs.map((r) => r.config.penalty);
  const labels = runs.map((r, i) => (penalties.indexOf(r.config.penalty) === penalties.lastIndexOf(r.config.penalty) ? r.config.penalty : `${r.config.penalty} (${r.config.name || `run ${i + 1}`})`));
  // Still equal (same penalty and name): number them.
  return labels.map((l, i) => (labels.indexOf(l) === labels.lastIndexOf(l) ? l : `${l} #${i + 1}`));
}
