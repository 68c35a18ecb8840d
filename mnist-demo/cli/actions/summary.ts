/**
 * `penx summary DIR… [--epochs 1,10,40|all] [--max-drop 0.5] [--json | --markdown]`: the numbers of run,
 * comparison and sweep folders (finished, or still training), read from their run.json (data only;
 * nothing is written or imported).
 *
 *   every record read and checked first (a malformed one: exit 2 naming the file; an epoch of
 *   --epochs no run of any folder has: exit 2 naming the epochs there are)
 *   ─► summarize (../../experiment/summary.ts) ─► a table per run and the spread over seeds (text or Markdown), or JSON
 *
 * A run of a model of several outputs has a test accuracy column per output, `test acc (cls)`, a
 * difference to the run without a penalty per output, `Δ none (cls, pt)`, and a spread over seeds per output.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { epochGaps, epochGapText, IOError, isToolFolder, RUN_JSON, readRunJson, readSweepJson, UsageError } from 'penalty-explorer/node';
import {
  type EpochSummary,
  type PruneSummary,
  type RunSummary,
  type SpreadSummary,
  type Summary,
  type SummaryInput,
  summarize,
} from '../../experiment/summary.ts';
import { counted } from '../../words.ts';
import { summaryValues } from '../flag-values.ts';
import { printJson } from '../json.ts';
import { markdownTable, printable, table } from '../table.ts';
import { recordsIn, runsText } from './comparison-runs.ts';

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
  const found = recordsIn(dir, 'penx train, penx compare or penx sweep');
  if (found === 'run') return { folder: dir, records: [{ name: basename(dir), record: readRunJson(dir), dir }] };
  return { folder: dir, records: found.names.map((name) => ({ name, record: readRunJson(join(dir, name)) })) };
}

/** `--epochs` (`all`, or epochs such as `0,1,10,40`, 0: the model before training, read by `epochsOrAll`); default 0, 1, every 10th and the last. */
function epochsOf(asked: readonly number[] | 'all' | undefined, inputs: readonly SummaryInput[]): readonly number[] | 'all' {
  if (asked !== undefined) return asked;
  const last = Math.max(0, ...inputs.flatMap((i) => i.records.map((r) => r.record.epochs.length)));
  return [...new Set([0, 1, ...Array.from({ length: Math.floor(last / 10) }, (_, k) => 10 * (k + 1)), last])].filter((e) => e <= last);
}

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)} %`;
const points = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(2)}`);
/** 0 when over half the weights are exactly 0; small values in exponent form. */
const medianText = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
/** A size in KiB, a decimal below 10 KiB (`0.4 KiB`, as penx prune prints it; a small model's sparse weights are not `0 KiB`), whole above (`1736 KiB`). */
const kib = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;

const accText = (x: number | null | undefined) => (x === null || x === undefined ? '—' : pct(x));

/**
 * The test accuracy columns of a run's table and their differences to the run without a penalty:
 * `test acc`, `Δ none (pt)`, or for a model of several outputs those of each output that has an
 * accuracy, in the record's order: `test acc (cls)`, `test acc (box)`, `Δ none (cls, pt)`, `Δ none (box, pt)`.
 */
function accuracyColumns(r: RunSummary): { titles: string[]; cells: (e: EpochSummary) => string[] } {
  const outputs = [...new Set(r.epochs.flatMap((e) => Object.keys(e.testAccByOutput ?? {})))];
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

function row(e: EpochSummary, acc: string[]): string[] {
  return [
    String(e.epoch),
    ...acc,
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

/** What sets a group of seeds apart from the other groups of its penalty, e.g. ` (optimizer adam:lr=1e-3)`. */
function setupText(setup: SpreadSummary['setup']): string {
  const parts = Object.entries(setup).map(([k, v]) => `${k} ${v ?? 'not set'}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The summary as text: a table per run, then the spread over seeds; as Markdown tables with `markdown`. */
export function summaryText(s: Summary, maxDrop: number, markdown = false): string {
  const tableOf = markdown ? markdownTable : table;
  const header = (acc: readonly string[]) => [
    'epoch',
    ...acc,
    '|w|<1e-3',
    '|w|<1e-2',
    '|w|<0.02',
    'w = 0',
    'spike at 0',
    'median |w|',
    `prune within ${maxDrop} pt`,
    'sparse size there',
  ];
  const parts = s.runs.map((r) => {
    const acc = accuracyColumns(r);
    const rows = r.epochs.map((e) => row(e, acc.cells(e)));
    return `${join(r.folder, r.folder.endsWith(r.name) ? '' : r.name)}: ${r.penalty}, seed ${r.seed}, ${counted(r.trained, 'epoch')}\n${markdown ? '\n' : ''}${tableOf(header(acc.titles), rows)}`;
  });
  for (const g of s.spread) {
    const rows = g.epochs.map((e) => [String(e.epoch), pct(e.min), pct(e.max), (100 * (e.max - e.min)).toFixed(2)]);
    parts.push(
      `${g.penalty}${setupText(g.setup)} over seeds ${g.seeds.join(', ')}: test accuracy${g.output === undefined ? '' : ` (${g.output})`}\n${markdown ? '\n' : ''}${tableOf(['epoch', 'lowest', 'highest', 'spread (pt)'], rows)}`,
    );
  }
  return parts.join('\n\n');
}

/** `penx summary DIR…` (see the file's comment): the tables on stdout, or one JSON document with `--json`. */
export function summary(dirs: readonly string[], flags: SummaryFlags): void {
  const { maxDrop, asked } = summaryValues(dirs, flags);
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
  if (flags.json) printJson(s, 0);
  else console.log(printable(summaryText(s, maxDrop, flags.markdown)));
}
