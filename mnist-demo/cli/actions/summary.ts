/**
 * `penx summary DIR… [--epochs 1,10,40|all] [--max-drop 0.5] [--json | --markdown]`: the numbers of run and
 * comparison folders (finished, or still training), read from their run.json (data only; nothing is
 * written or imported).
 *
 *   every record read and checked first (a malformed one: exit 2 naming the file; an epoch of
 *   --epochs no run of any folder has: exit 2 naming the epochs there are)
 *   ─► summarize (../../experiment/summary.ts) ─► a table per run and the spread over seeds (text or Markdown), or JSON
 */
import { basename, join } from 'node:path';
import { epochGaps, epochGapText, readRunJson, UsageError } from 'penalty-explorer/node';
import { type EpochSummary, type Summary, type SummaryInput, summarize } from '../../experiment/summary.ts';
import { numberFlag, wholeNumbers } from '../numbers.ts';
import { markdownTable, table } from '../table.ts';
import { recordsIn } from './comparison-runs.ts';

export interface SummaryFlags {
  readonly epochs?: string;
  readonly maxDrop: string;
  readonly json?: boolean;
  readonly markdown?: boolean;
}

function readInput(dir: string): SummaryInput {
  const found = recordsIn(dir);
  if (found === 'run') return { folder: dir, records: [{ name: basename(dir), record: readRunJson(dir) }] };
  return { folder: dir, records: found.names.map((name) => ({ name, record: readRunJson(join(dir, name)) })) };
}

/** `--epochs`: `all`, or epochs such as `0,1,10,40` (0: the untrained model); default 0, 1, every 10th and the last. */
function epochsOf(text: string | undefined, inputs: readonly SummaryInput[]): readonly number[] | 'all' {
  if (text?.trim() === 'all') return 'all';
  if (text !== undefined) return wholeNumbers(text, '--epochs', 0);
  const last = Math.max(0, ...inputs.flatMap((i) => i.records.map((r) => r.record.epochs.length)));
  return [...new Set([0, 1, ...Array.from({ length: Math.floor(last / 10) }, (_, k) => 10 * (k + 1)), last])].filter((e) => e <= last);
}

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)} %`;
const points = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(2)}`);
/** 0 when over half the weights are exactly 0; small values in exponent form. */
const medianText = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function row(e: EpochSummary): string[] {
  return [
    String(e.epoch),
    e.testAcc === null ? '—' : pct(e.testAcc),
    points(e.deltaToNone),
    pct(e.nearZero3),
    pct(e.nearZero2),
    e.nearZero002 === null ? '—' : pct(e.nearZero002, 1),
    pct(e.zeros, 3),
    e.spike === null ? '—' : e.spike.toFixed(2),
    e.medianAbs === null ? '—' : medianText(e.medianAbs),
    e.prune ? `${e.prune.level} % → ${e.prune.testAcc === null ? '—' : pct(e.prune.testAcc)}` : '',
    e.prune ? `${kib(e.prune.sparseBytes)} of ${kib(e.prune.denseBytes)}` : '',
  ];
}

/** The summary as text: a table per run, then the spread over seeds; as Markdown tables with `markdown`. */
export function summaryText(s: Summary, maxDrop: number, markdown = false): string {
  const tableOf = markdown ? markdownTable : table;
  const header = [
    'epoch',
    'test acc',
    'Δ none (pt)',
    '|w|<1e-3',
    '|w|<1e-2',
    '|w|<0.02',
    'w = 0',
    'spike at 0',
    'median |w|',
    `prune within ${maxDrop} pt`,
    'sparse size there',
  ];
  const parts = s.runs.map(
    (r) =>
      `${join(r.folder, r.folder.endsWith(r.name) ? '' : r.name)}: ${r.penalty}, seed ${r.seed}, ${r.trained} epochs\n${markdown ? '\n' : ''}${tableOf(header, r.epochs.map(row))}`,
  );
  for (const g of s.spread) {
    const rows = g.epochs.map((e) => [String(e.epoch), pct(e.min), pct(e.max), (100 * (e.max - e.min)).toFixed(2)]);
    parts.push(
      `${g.penalty} over seeds ${g.seeds.join(', ')}: test accuracy\n${markdown ? '\n' : ''}${tableOf(['epoch', 'lowest', 'highest', 'spread (pt)'], rows)}`,
    );
  }
  return parts.join('\n\n');
}

export function summary(dirs: readonly string[], flags: SummaryFlags): void {
  if (flags.json && flags.markdown) throw new UsageError('--json and --markdown are two outputs: give one of them');
  const maxDrop = numberFlag(flags.maxDrop, '--max-drop', { min: 0, max: 100 }, 'accuracy points between 0 and 100 (e.g. 0.5)');
  const inputs = dirs.map(readInput);
  const epochs = epochsOf(flags.epochs, inputs);
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
  console.log(flags.json ? JSON.stringify(s) : summaryText(s, maxDrop, flags.markdown));
}
