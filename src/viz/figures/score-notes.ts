/**
 * The score notes of panels drawn side by side (compare-histograms.ts), lined up: a figure whose
 * runs all have one output notes each panel's scores on one line (`scoresNote`, as always); once
 * a run of several outputs is among them (its note wraps), every note puts one score per line, padded with empty
 * lines to the most lines, so each score sits on the same line in every panel:
 *
 *   one output ─► ['loss=0.2100', 'acc=0.9400', '']
 *   two outputs ─► ['loss=0.5120', 'acc(cls)=0.9100', 'acc(box)=0.7500']
 *
 * An output name too long for the panel is shortened in its middle (short-names.ts), each to a
 * name no other output of the figure has, so that no score is wider than the panel's text
 * (`textChars` characters); the figure lists the full names (`fullNames`, `fullNameLines`). The
 * histogram grid's panel titles and the single epoch's title (`epochTitle`) name the outputs so too
 * (`outputNames`).
 */
import type { WeightsSnapshot } from '../../formats/index.ts';
import { outputAccuracies } from '../../formats/index.ts';
import { scoreParts, scoresNote } from './format.ts';
import { shortNames } from './short-names.ts';

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
