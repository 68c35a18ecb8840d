/**
 * `penx summary DIR… [--epochs 1,10,40|all] [--max-drop 0.5] [--json | --markdown]`: the numbers of run,
 * comparison and sweep folders (finished, or still training), read from their run.json (data only;
 * nothing is written or imported); of a folder of runs given alone, a line per run (runs-folder.ts).
 *
 *   every record read and checked first (a malformed one: exit 2 naming the file; an epoch of
 *   --epochs no run of any folder has: exit 2 naming the epochs there are)
 *   ─► summarize (../../experiment/summary.ts) ─► a table per run and the spread over seeds (text or Markdown), or JSON
 *
 * A run of a model of several outputs has a test accuracy column per output, `test acc (cls)`, a
 * difference to the run without a penalty per output, `Δ none (cls, pt)`, and a spread over seeds per output.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { epochGaps, epochGapText, IOError, isToolFolder, RUN_JSON, readRunJson, readSweepJson, UsageError } from 'penalty-explorer/node';
import { type SpreadSummary, type Summary, type SummaryInput, summarize } from '../../experiment/summary.ts';
import { counted } from '../../words.ts';
import { summaryValues } from '../flag-values.ts';
import { printJson } from '../json.ts';
import { markdownTable, printable, table } from '../table.ts';
import { recordsIn, runsText } from './comparison-runs.ts';
import { listingText, listRuns, notListed, runFolders } from './runs-folder.ts';
import { accuracyColumns, measureCells, measureTitles, pct } from './summary-cells.ts';

/** The flags of `penx summary`, as commander gives them (text, checked by the action). */
export interface SummaryFlags {
  readonly epochs?: string;
  readonly maxDrop: string;
  readonly json?: boolean;
  readonly markdown?: boolean;
}

/**
 * A sweep's runs that have a record so far, in the sweep record's order: each proven a run by its
 * own marker (undefined when `dir` is no sweep of the tool's). Which are not finished is said on
 * stderr, as for a comparison still training.
 */
function sweepInput(dir: string): SummaryInput | undefined {
  if (!isToolFolder(dir, 'sweep')) return undefined;
  const sweep = readSweepJson(dir);
  if (!sweep) return undefined;
  const names = sweep.runs.map((r) => r.name).filter((n) => isToolFolder(join(dir, n), 'run') && existsSync(join(dir, n, RUN_JSON)));
  if (names.length === 0)
    throw new IOError(`${dir}: a sweep with no run recorded yet (${runsText(sweep.runs.length)} planned); summarise it once one has trained`);
  const records = names.map((name) => ({ name, record: readRunJson(join(dir, name)) }));
  const epochs = Number(sweep.settings['epochs']);
  const short = records.filter((r) => !(r.record.epochs.length >= epochs)).length;
  if (names.length < sweep.runs.length || short > 0)
    console.error(
      `${dir}: a sweep not finished: ${runsText(names.length)} of ${sweep.runs.length} with a record so far, ${short} of them short of ${counted(Number(sweep.settings['epochs']), 'epoch')}`,
    );
  return { folder: dir, records };
}

function readInput(dir: string): SummaryInput {
  const sweep = sweepInput(dir);
  if (sweep) return sweep;
  const found = recordsIn(dir, 'penx train, penx compare or penx sweep, or a folder holding run folders penx train wrote');
  if (found === 'run') return { folder: dir, records: [{ name: basename(dir), record: readRunJson(dir), dir }] };
  return { folder: dir, records: found.names.map((name) => ({ name, record: readRunJson(join(dir, name)) })) };
}

/** `--epochs` (`all`, or epochs such as `0,1,10,40`, 0: the model before training, read by `epochsOrAll`); default 0, 1, every 10th and the last. */
function epochsOf(asked: readonly number[] | 'all' | undefined, inputs: readonly SummaryInput[]): readonly number[] | 'all' {
  if (asked !== undefined) return asked;
  const last = Math.max(0, ...inputs.flatMap((i) => i.records.map((r) => r.record.epochs.length)));
  return [...new Set([0, 1, ...Array.from({ length: Math.floor(last / 10) }, (_, k) => 10 * (k + 1)), last])].filter((e) => e <= last);
}

/** What sets a group of seeds apart from the other groups of its penalty, e.g. ` (optimizer adam:lr=1e-3)`. */
function setupText(setup: SpreadSummary['setup']): string {
  const parts = Object.entries(setup).map(([k, v]) => `${k} ${v ?? 'not set'}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The summary as text: a table per run, then the spread over seeds; as Markdown tables with `markdown`. */
export function summaryText(s: Summary, maxDrop: number, markdown = false): string {
  const tableOf = markdown ? markdownTable : table;
  const parts = s.runs.map((r) => {
    const acc = accuracyColumns(r.epochs);
    const rows = r.epochs.map((e) => [String(e.epoch), ...measureCells(e, acc)]);
    return `${join(r.folder, r.folder.endsWith(r.name) ? '' : r.name)}: ${r.penalty}, seed ${r.seed}, ${counted(r.trained, 'epoch')}\n${markdown ? '\n' : ''}${tableOf(['epoch', ...measureTitles(acc, maxDrop)], rows)}`;
  });
  for (const g of s.spread) {
    const rows = g.epochs.map((e) => [String(e.epoch), pct(e.min), pct(e.max), (100 * (e.max - e.min)).toFixed(2)]);
    parts.push(
      `${g.penalty}${setupText(g.setup)} over seeds ${g.seeds.join(', ')}: test accuracy${g.output === undefined ? '' : ` (${g.output})`}\n${markdown ? '\n' : ''}${tableOf(['epoch', 'lowest', 'highest', 'spread (pt)'], rows)}`,
    );
  }
  return parts.join('\n\n');
}

/** Runs of `penx summary --json`, each `folder` absolute (the tables on stdout say it as given). */
function foldersResolved<T extends { readonly folder: string }>(runs: readonly T[]): T[] {
  return runs.map((r) => ({ ...r, folder: resolve(r.folder) }));
}

/**
 * `penx summary FOLDER` of a folder of run folders (runs-folder.ts): a line per run at its last
 * epoch, or a JSON array of their objects; given alone and without `--epochs` (a UsageError saying
 * what to give instead).
 */
function summaryOfRuns(
  dir: string,
  names: string[],
  o: { maxDrop: number; asked: readonly number[] | 'all' | undefined; given: number; flags: SummaryFlags },
): void {
  if (o.given > 1)
    throw new UsageError(
      `${dir} is a folder of runs, summarised a line per run on its own: give it alone (penx summary ${dir}), or give its run folders (${join(dir, names[0] as string)} …) with the other folders`,
    );
  if (o.asked !== undefined)
    throw new UsageError(
      `--epochs goes with run, comparison and sweep folders: ${dir} is a folder of runs, summarised at each run's last epoch; give its run folders for other epochs, e.g. penx summary ${join(dir, names[0] as string)} --epochs 1,10`,
    );
  const runs = listRuns(dir, o.maxDrop, names);
  const others = notListed(dir);
  if (others) console.error(printable(others));
  if (o.flags.json) printJson(foldersResolved(runs), 0);
  else console.log(printable(listingText(runs, o.maxDrop, o.flags.markdown)));
}

/** `penx summary DIR…` (see the file's comment): the tables on stdout, or one JSON document with `--json`. */
export function summary(dirs: readonly string[], flags: SummaryFlags): void {
  const { maxDrop, asked } = summaryValues(dirs, flags);
  const listed = dirs.map((dir) => ({ dir, names: runFolders(dir) })).find((d) => d.names !== undefined);
  if (listed?.names) {
    summaryOfRuns(listed.dir, listed.names, { maxDrop, asked, given: dirs.length, flags });
    return;
  }
  const inputs = dirs.map(readInput);
  const epochs = epochsOf(asked, inputs);
  if (epochs !== 'all' && epochs.length === 0) throw new UsageError('--epochs must list at least one epoch, e.g. 1,10,40, or be all');
  // An epoch no run of any folder has is refused, as penx plot does, rather than shown as empty
  // tables (one some runs lack is shown for those that have it: e.g. 10-epoch seed runs beside 40-epoch ones).
  const gaps =
    epochs === 'all'
      ? []
      : epochGaps(
          inputs.flatMap((input) => input.records.map((r) => r.record)),
          { histogramEpochs: epochs },
        );
  if (gaps.length) throw new UsageError(gaps.map((g) => epochGapText(g, '--epochs')).join('; '));
  const s = summarize(inputs, { epochs, maxDrop });
  // Printable: a record's strings hold no control character a terminal would act on (in JSON, the same value).
  if (flags.json) printJson({ ...s, runs: foldersResolved(s.runs) }, 0);
  else console.log(printable(summaryText(s, maxDrop, flags.markdown)));
}
