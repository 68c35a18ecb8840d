/**
 * The runs of a comparison folder, by name, for the commands that read one (`penx summary`,
 * `penx plot`): those its compare.json lists once `penx compare` has finished; before that (a
 * comparison stopped between sittings, or still training) the run folders its manifest lists, each
 * proven a run by its own marker, that have a record — ownership from markers the tool wrote, never
 * from folder names.
 *
 * @example
 * const c = comparisonRuns('figures/reference/penalties');   // { names: ['none', 'l1_1e-4', …], finished: true }
 */

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPARE_JSON,
  DataError,
  IOError,
  isToolFolder,
  MARKER_FILE,
  ownedEntries,
  RUN_JSON,
  readCompareJson,
  readRunJson,
  runNameProblem,
  UsageError,
} from 'penalty-explorer/node';
import { counted } from '../../words.ts';

/** A comparison folder's runs (`comparisonRuns`), and whether the comparison finished. */
export interface ComparisonRuns {
  /** The run folders' names, in the comparison's order. */
  readonly names: readonly string[];
  /** Whether compare.json lists them (the comparison finished); false: the runs with a record so far. */
  readonly finished: boolean;
}

/**
 * The comparison's runs, or undefined when `dir` is no comparison of this tool's with a run
 * recorded. A run folder's name the record gives that penx would never make (a bidirectional
 * control, `runNameProblem`) is a DataError naming the file: compare.json's by its schema, the
 * manifest's here.
 */
export function comparisonRuns(dir: string): ComparisonRuns | undefined {
  if (existsSync(join(dir, COMPARE_JSON))) return { names: readCompareJson(dir).runs, finished: true };
  if (!isToolFolder(dir, 'comparison')) return undefined;
  const names = ownedEntries(dir).filter((n) => isToolFolder(join(dir, n), 'run') && existsSync(join(dir, n, RUN_JSON)));
  for (const n of names) {
    const problem = runNameProblem(n);
    if (problem) throw new DataError(`${join(dir, MARKER_FILE)}: lists the run folder ${problem}: expected one plain folder name, e.g. l1_1e-4`);
  }
  return names.length > 0 ? { names, finished: false } : undefined;
}

/** A run of a comparison as a user gave it: its folder's name and, when its record can be read, its penalty. */
function runText(dir: string, name: string): string {
  try {
    return `${name} (${readRunJson(join(dir, name)).config.penalty})`;
  } catch {
    return name;
  }
}

/**
 * A UsageError when `penx compare --resume` with the runs `names` would leave out runs the
 * comparison in `dir` holds (compare.json's, or those recorded so far): compare.json would be
 * written without them, their folders still there. Adding runs is allowed.
 *
 * @example
 * checkNoneLeftOut('runs/compare', ['none'])
 * // throws '… holds 1 run this comparison leaves out: l1_1e-4 (l1:1e-4); … give its penalty too …'
 */
export function checkNoneLeftOut(dir: string, names: readonly string[]): void {
  const held = comparisonRuns(dir)?.names ?? [];
  const left = held.filter((n) => !names.includes(n));
  if (left.length === 0) return;
  const its = left.length === 1 ? 'its penalty' : 'their penalties';
  throw new UsageError(
    `${dir} holds ${runsText(left.length)} this comparison leaves out: ${left.map((n) => runText(dir, n)).join('; ')}; nothing was changed; give ${its} too (--penalties, --optimizers) to keep the comparison whole, another --name for a comparison of these runs alone, or --force to start it over`,
  );
}

/** What a command says when it reads a comparison that has not finished. */
const unfinishedNote = (dir: string, runs: ComparisonRuns): string =>
  `${dir}: a comparison in progress (no ${COMPARE_JSON} yet): ${runsText(runs.names.length)} with a record so far`;

/**
 * What a folder given to a reading command holds: a comparison's runs (one not finished said on
 * stderr) or `'run'` (its run.json); an IOError saying what would be right when neither — a path that does
 * not exist or is a file said as such (`writers`: the commands whose folders the reading command takes).
 */
export function recordsIn(dir: string, writers = 'penx train or penx compare'): ComparisonRuns | 'run' {
  const comparison = comparisonRuns(dir);
  if (comparison) {
    if (!comparison.finished) console.error(unfinishedNote(dir, comparison));
    return comparison;
  }
  if (existsSync(join(dir, RUN_JSON))) return 'run';
  // Said as it is: a path that is missing, or a file (a run.json given for its folder), is no folder at all.
  const what = !existsSync(dir) ? 'does not exist' : !statSync(dir).isDirectory() ? 'is a file, not a folder' : 'has neither run.json nor compare.json';
  throw new IOError(`${dir} ${what}; give a folder written by ${writers}`);
}

/** `1 run`, `2 runs`. */
export const runsText = (n: number): string => `${counted(n, 'run')}`;

/** The progress line before a comparison's own figures are drawn (`penx compare` after its runs, `penx plot`): they take seconds to half a minute. */
export function drawingComparison(dir: string): string {
  return `drawing ${dir}: the comparison's figures`;
}
