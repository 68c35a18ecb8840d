/**
 * Names shortened in their middle, no two alike: an output's name in a score (score-notes.ts) and a
 * run's label in a legend (`shortLabels`, every run-colour legend through theme.ts's `runColor`).
 * Cut at its end, as Vega cuts a label too long for its `labelLimit`, two names that differ only
 * there would read the same:
 *
 *   'l1:1e-4 (run_of_a_long_study_seed_1)' ─► 'l1:1e-4 (run…udy_seed_1)'   (24 characters)
 */
import { visibleControls } from '../../errors.ts';

/**
 * Each of `names` at most `most` characters (`middleShortened`), no two the same: a name whose
 * middle cut would equal one already given (or another's full name) is cut elsewhere; one that
 * cannot be told apart within `most` keeps its full name.
 */
export function shortNames(names: readonly string[], most: number): Map<string, string> {
  const taken = new Set(names.filter((n) => n.length <= most));
  const short = new Map<string, string>();
  for (const name of names) {
    const pick = name.length <= most ? name : (cuts(name, most).find((c) => !taken.has(c)) ?? name);
    taken.add(pick);
    short.set(name, pick);
  }
  return short;
}

/** A legend label's characters: ~310 px of the legend's 320 (`labelLimit`) at 11 px (~6.4 px a character). */
export const LEGEND_CHARS = 48;
/** The least a legend label is cut to (characters): the least labelLimit, 120 px (fit-width.ts), at LEGEND_CHARS a 320 px. */
export const LEAST_LEGEND_CHARS = 18;
/**
 * The signal of a legend's label budget (characters), following its labelLimit (fit-width.ts's
 * `legendsFollowWidth`: LEGEND_CHARS in a file, fewer on a narrow card).
 */
export const LEGEND_CHARS_SIGNAL = 'legend_chars';
/** The budgets a labelExpr shortens its labels for (characters), every 6 from LEGEND_CHARS down. */
const BUDGET_STEP = 6;

/**
 * A legend's `labelExpr` naming each of `labels` longer than its budget as `shortNames` shortens it
 * (in its middle, no two alike) — where Vega cuts a label too long for `labelLimit` at its end, and
 * two names that differ only there read the same; none when no label is over LEAST_LEGEND_CHARS.
 * The budget is the signal LEGEND_CHARS_SIGNAL (its labelLimit's, so a narrow card's shorter labels
 * are cut in their middle too): `most` characters and below it every BUDGET_STEP down to
 * LEAST_LEGEND_CHARS, the largest step within the signal's budget. A label is read as the figure
 * shows it (`visibleControls`: a control character as its escape), as it is quoted into the
 * expression, which `shownSpec` could not escape there.
 *
 * @example
 * shortLabels(['l1:1e-4 (run_of_a_long_study_seed_1)', 'l1:1e-4 (run_of_a_long_study_seed_2)'], 24)
 * // { labelExpr: 'datum.label === "l1:1e-4 (run_of_a_long_study_seed_1)" ? (legend_chars >= 24 ? "l1:1e-4 (run…udy_seed_1)" : "l1:1e-4…tudy_seed_1)") : …' }
 */
export function shortLabels(labels: readonly string[], most = LEGEND_CHARS): { labelExpr?: string } {
  const shown = labels.map(visibleControls);
  const budgets: number[] = [];
  for (let b = most; b > LEAST_LEGEND_CHARS; b -= BUDGET_STEP) budgets.push(b);
  budgets.push(Math.min(most, LEAST_LEGEND_CHARS));
  const cuts = budgets.map((b) => shortNames(shown, b));
  const cut = shown.filter((full) => cuts.some((c) => c.get(full) !== full));
  if (!cut.length) return {};
  const named = (full: string) =>
    budgets.reduceRight(
      (rest, b, i) => (i === budgets.length - 1 ? rest : `${LEGEND_CHARS_SIGNAL} >= ${b} ? ${JSON.stringify(cuts[i]?.get(full))} : ${rest}`),
      JSON.stringify(cuts.at(-1)?.get(full)),
    );
  return { labelExpr: cut.reduceRight((rest, full) => `datum.label === ${JSON.stringify(full)} ? (${named(full)}) : ${rest}`, 'datum.label') };
}

/**
 * `name` cut in its middle to `most` characters, an ellipsis for what is left out.
 *
 * @example
 * middleShortened('classification_head_output', 12)   // 'classi…utput'
 */
export function middleShortened(name: string, most: number): string {
  return cuts(name, most)[0] ?? name;
}

/** The ways to cut `name` to `most` characters (head…tail), the most even first; none when `most` < 3. */
function cuts(name: string, most: number): string[] {
  const kept = most - 1;
  if (kept < 2) return [];
  const heads = Array.from({ length: kept - 1 }, (_, i) => i + 1).sort((a, b) => Math.abs(a - kept / 2) - Math.abs(b - kept / 2) || b - a);
  return heads.map((h) => `${name.slice(0, h)}…${name.slice(name.length - (kept - h))}`);
}
