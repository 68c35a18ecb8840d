/**
 * The score notes of panels drawn side by side (compare-histograms.ts), lined up: a figure whose
 * runs all have one output notes each panel's scores on one line (`scoresNote`, as always); once
 * a run of several outputs is among them (its note wraps), every note puts one score per line, padded with empty
 * lines to the most lines, so each score sits on the same line in every panel:
 *
 *   one output ─► ['loss=0.2100', 'acc=0.9400', '']
 *   two outputs ─► ['loss=0.5120', 'acc(cls)=0.9100', 'acc(box)=0.7500']
 *
 * An output name too long for the panel is shortened in its middle (`middleShortened`), each to a
 * name no other output of the figure has, so that no score is wider than the panel's text
 * (`textChars` characters); the figure lists the full names (`fullNames`, `fullNameLines`). The
 * histogram grid's panel titles name the outputs so too (`outputNames`), and the curves' legends
 * their long labels (`shortLabels`).
 */
import type { WeightsSnapshot } from '../../formats/index.ts';
import { outputAccuracies } from '../../formats/index.ts';
import { scoreParts, scoresNote } from './format.ts';

/** What a panel's scores are read from (a snapshot). */
type Scored = Pick<WeightsSnapshot, 'testLoss' | 'testAcc' | 'testMetrics'>;

/** The widest accuracy text a score holds (`fixed4`: `0.9871`). */
const ACC_TEXT = 'acc()=0.0000';

/** The panels' notes (in the order of `scored`) and each shortened output name's full name. */
export interface ScoreNotes {
  readonly notes: (string | string[])[];
  /** Shortened name → full name, for each output shortened (none: empty). */
  readonly fullNames: ReadonlyMap<string, string>;
}

/**
 * The notes of the panels scoring `scored`, lined up (see the file's comment); no score longer
 * than `textChars` characters where its output's name can be shortened to fit.
 *
 * @example
 * lineUpNotes([oneOutput, twoOutputs], 33).notes
 * // [['loss=0.2100', 'acc=0.9400', ''], ['loss=0.5120', 'acc(cls)=0.9100', 'acc(box)=0.7500']]
 */
export function lineUpNotes(scored: readonly Scored[], textChars: number): ScoreNotes {
  const { outputs, named, fullNames } = outputNames(scored, textChars);
  // Every run of one output: its note on one line, as it always was.
  if (!outputs) return { notes: scored.map(scoresNote), fullNames };
  const lines = scored.map((s) => scoreParts(s, named));
  const most = Math.max(...lines.map((l) => l.length));
  return { notes: lines.map((l) => [...l, ...Array<string>(most - l.length).fill('')]), fullNames };
}

/** The outputs of the snapshots scored, each named short enough for a line of `textChars` (`outputNames`). */
export interface OutputNames {
  /** How many outputs the snapshots score one by one (0: every snapshot has a single accuracy). */
  readonly outputs: number;
  /** An output's name as a score shows it: shortened (`shortNames`), or the name itself. */
  readonly named: (output: string) => string;
  /** Shortened name → full name, for each output shortened (none: empty). */
  readonly fullNames: ReadonlyMap<string, string>;
}

/**
 * The outputs `scored` scores one by one, each named so that its score (`acc(name)=0.9871`) is no
 * longer than `textChars` characters, no two alike (`shortNames`): what notes and panel titles
 * write for an output (`scoreParts`), and the full names a figure lists (`fullNameLines`).
 *
 * @example
 * outputNames([twoOutputs], 24).named('classification_head_output')   // 'classi…utput' (acc(classi…utput)=0.9100: 24 characters)
 */
export function outputNames(scored: readonly Scored[], textChars: number): OutputNames {
  const outputs = [...new Set(scored.flatMap((s) => (s.testAcc === null ? outputAccuracies(s.testMetrics).map((o) => o.output) : [])))];
  const short = shortNames(outputs, textChars - ACC_TEXT.length);
  return {
    outputs: outputs.length,
    named: (o) => short.get(o) ?? o,
    fullNames: new Map([...short].filter(([full, name]) => name !== full).map(([full, name]) => [name, full])),
  };
}

/**
 * A figure's subtitle lines naming each shortened output in full (none shortened: none).
 *
 * @example
 * fullNameLines(outputNames([twoOutputs], 24).fullNames)   // ['classi…utput: classification_head_output']
 */
export function fullNameLines(fullNames: ReadonlyMap<string, string>): string[] {
  return [...fullNames].map(([name, full]) => `${name}: ${full}`);
}

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

/**
 * A legend's `labelExpr` naming each of `labels` longer than `most` characters as `shortNames`
 * shortens it (in its middle, no two alike) — where Vega cuts a label too long for `labelLimit` at its
 * end, and two names that differ only there read the same; none when no label is that long.
 *
 * @example
 * shortLabels(['l1:1e-4 (run_of_a_long_study_seed_1)', 'l1:1e-4 (run_of_a_long_study_seed_2)'], 24)
 * // { labelExpr: 'datum.label === "l1:1e-4 (run_of_a_long_study_seed_1)" ? "l1:1e-4 (run…udy_seed_1)" : …' }
 */
export function shortLabels(labels: readonly string[], most = LEGEND_CHARS): { labelExpr?: string } {
  const cut = [...shortNames(labels, most)].filter(([full, name]) => name !== full);
  if (!cut.length) return {};
  return { labelExpr: cut.reduceRight((rest, [full, name]) => `datum.label === ${JSON.stringify(full)} ? ${JSON.stringify(name)} : ${rest}`, 'datum.label') };
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
