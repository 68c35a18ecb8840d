/**
 * The cells `penx summary` prints for one run at one epoch, shared by its tables per run
 * (summary.ts) and its listing of a folder of runs (runs-folder.ts), under these titles for a model of
 * one output (`--max-drop 0.5`):
 *
 *   test acc  Δ none (pt)  |w|<1e-3  |w|<1e-2  |w|<0.02  w = 0  spike at 0  median |w|  prune within 0.5 pt  sparse size there
 *
 * e.g. `96.00 %`, `+1.00` (points above the run without a penalty), …, `50 % → 98.80 %`, `0.6 KiB of 1.0 KiB`.
 */
import type { EpochSummary, PruneSummary } from '../../experiment/summary.ts';

/** A share as a percentage, two decimals by default (`96.00 %`). */
export const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)} %`;
const points = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(2)}`);
/** 0 when over half the weights are exactly 0; small values in exponent form. */
const medianText = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
/** A size in KiB, a decimal below 10 KiB (`0.4 KiB`, as penx prune prints it; a small model's sparse weights are not `0 KiB`), whole above (`1736 KiB`). */
const kib = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;

const accText = (x: number | null | undefined) => (x === null || x === undefined ? '—' : pct(x));

/** The accuracy columns of a table (`accuracyColumns`): their titles, and an epoch's cells under them. */
export interface AccuracyColumns {
  readonly titles: readonly string[];
  readonly cells: (e: EpochSummary) => string[];
}

/**
 * The test accuracy columns of a table of `epochs` and their differences to the run without a
 * penalty: `test acc`, `Δ none (pt)`, or for a model of several outputs those of each output that has
 * an accuracy, in the record's order: `test acc (cls)`, `test acc (box)`, `Δ none (cls, pt)`, `Δ none (box, pt)`.
 */
export function accuracyColumns(epochs: readonly EpochSummary[]): AccuracyColumns {
  const outputs = [...new Set(epochs.flatMap((e) => Object.keys(e.testAccByOutput ?? {})))];
  if (outputs.length === 0) return { titles: ['test acc', 'Δ none (pt)'], cells: (e) => [accText(e.testAcc), points(e.deltaToNone)] };
  return {
    titles: [...outputs.map((o) => `test acc (${o})`), ...outputs.map((o) => `Δ none (${o}, pt)`)],
    cells: (e) => [...outputs.map((o) => accText(e.testAccByOutput?.[o])), ...outputs.map((o) => points(e.deltaToNoneByOutput?.[o] ?? null))],
  };
}

/** The accuracy at a prune level: `97.10 %`, or each output's, `77.08 % (digit), 97.92 % (parity)`. */
function pruneAccText(p: PruneSummary): string {
  const byOutput = Object.entries(p.testAccByOutput ?? {});
  if (byOutput.length === 0) return accText(p.testAcc);
  return byOutput.map(([o, acc]) => `${accText(acc)} (${o})`).join(', ');
}

/** The titles of an epoch's measures: the accuracy columns, then the weights near and at 0, the spike, the median and the prune level within `maxDrop`. */
export function measureTitles(acc: AccuracyColumns, maxDrop: number): string[] {
  return [...acc.titles, '|w|<1e-3', '|w|<1e-2', '|w|<0.02', 'w = 0', 'spike at 0', 'median |w|', `prune within ${maxDrop} pt`, 'sparse size there'];
}

/** An epoch's cells under `measureTitles`. */
export function measureCells(e: EpochSummary, acc: AccuracyColumns): string[] {
  return [
    ...acc.cells(e),
    pct(e.nearZero3),
    pct(e.nearZero2),
    e.nearZero002 === null ? '—' : pct(e.nearZero002, 1),
    pct(e.zeros, 3),
    e.spike === null ? '—' : e.spike.toFixed(2),
    e.medianAbs === null ? '—' : medianText(e.medianAbs),
    e.prune ? `${e.prune.level} % → ${pruneAccText(e.prune)}` : '',
    e.prune ? `${kib(e.prune.sparseBytes)} of ${kib(e.prune.denseBytes)}` : '',
  ];
}
