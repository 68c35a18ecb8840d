/**
 * The report's `#numbers` section: the runs' configurations side by side, and for each run a
 * table of its numbers per epoch (rows carry `data-epoch`, so the page can highlight the
 * selected epoch; a model of several outputs has a test accuracy column per output).
 */

import { type EpochRecord, initialWords, outputAccuracies, type RunConfig, type RunRecord, snapshots, type WeightsSnapshot } from '../../formats/index.ts';
import { constraintText, fixed4, grouped, percent, rowsCsv, runLabels } from '../figures/index.ts';
import { escText, table } from './html.ts';

const DASH = '—';

/** Configuration rows: label and how to read it from a run's config (the constraint's words also from its norms: `constraintText`). */
const CONFIG_ROWS: ReadonlyArray<readonly [string, (c: RunConfig, run: RunRecord) => string]> = [
  ['penalty', (c) => c.penalty],
  ['formula', (c) => c.penaltyFormula],
  ['penalty module', (c) => c.penaltyModule ?? DASH],
  ['constraint', (_, run) => constraintText(run) ?? DASH],
  ['penalize bias', (c) => (c.penalizeBias ? 'yes' : 'no')],
  ['optimizer', (c) => c.optimizer],
  ['lr multipliers', (c) => c.lrMult ?? DASH],
  ['gradient transforms', (c) => c.grad ?? DASH],
  // Absent in records from before norms were tracked.
  ['track norms', (c) => c.trackNorms ?? DASH],
  ['epochs', (c) => String(c.epochs)],
  ['batch size', (c) => String(c.batchSize)],
  ['seed', (c) => String(c.seed)],
  // A tf.data.Dataset's size is not known before it is read: the record keeps NaN (null in run.json).
  ['train / test size', (c) => `${Number.isNaN(c.trainSize) ? 'not known (a dataset)' : grouped(c.trainSize)} / ${grouped(c.testSize)}`],
  ['data', (c) => c.data],
  ['backend', (c) => c.backend],
  ['threads', (c) => (c.parallel === 'data' && c.threads > 1 ? `${c.threads} (data-parallel)` : String(c.threads))],
  // Absent in records from before the fused path.
  ['gradients', (c) => (c.gradients ? `${c.gradients}${c.gradientsWhy ? ` (${c.gradientsWhy})` : ''}` : DASH)],
  [
    'versions',
    (c) =>
      Object.entries(c.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  ],
  ['started', (c) => c.startedAt],
  ['run folder', (c) => c.name],
];

/** The columns of the report's table of numbers per epoch (and of its CSV, after `run`). */
export const NUMBER_COLUMNS = ['epoch', 'train loss', 'penalty loss', 'test loss', 'test acc', '|w| < 1e-3', '|w| < 1e-2', 'seconds'];

function configTable(runs: readonly RunRecord[]): string {
  const labels = runLabels(runs);
  const rows = CONFIG_ROWS.map(([label, read]) => [escText(label), ...runs.map((r) => `<code>${escText(read(r.config, r))}</code>`)]);
  const stops = runs.map((r) => (r.stopped ? `stopped at epoch ${r.stopped.epoch}, batch ${r.stopped.batch}: ${r.stopped.reason}` : ''));
  if (stops.some(Boolean)) rows.push(['stopped', ...stops.map((s) => escText(s || DASH))]);
  return table(['', ...labels.map(escText)], rows, 'class="config"');
}

/**
 * The outputs whose test accuracies a run records apart, in the record's order: a model of several
 * outputs has no single one (`outputAccuracies`); [] for a model of one output.
 */
function accuracyOutputs(run: RunRecord): string[] {
  return [...new Set(snapshots(run).flatMap((s) => outputAccuracies(s.testMetrics).map((o) => o.output)))];
}

/** The test accuracy column of one output: `test acc (cls)`. */
const accuracyTitle = (output: string) => `test acc (${output})`;

/** A snapshot's test accuracy of each of `outputs` (`accuracyOutputs`), or its single one. */
function columnAccuracies(s: WeightsSnapshot, outputs: readonly string[]): (number | null)[] {
  if (!outputs.length) return [s.testAcc];
  const byOutput = new Map(outputAccuracies(s.testMetrics).map((o) => [o.output, o.acc]));
  return outputs.map((o) => byOutput.get(o) ?? null);
}

function epochRow(s: WeightsSnapshot | EpochRecord, outputs: readonly string[]): string[] {
  const e = 'trainLoss' in s ? s : undefined;
  return [
    String(s.epoch),
    e ? fixed4(e.trainLoss) : DASH,
    // Every snapshot has its penalty, epoch 0 (the untrained weights) too.
    s.penaltyLoss === 0 ? '0' : s.penaltyLoss.toPrecision(4),
    fixed4(s.testLoss),
    ...columnAccuracies(s, outputs).map(fixed4),
    percent(s.sparsity.lt1e3),
    percent(s.sparsity.lt1e2),
    e ? e.seconds.toFixed(1) : DASH,
  ];
}

/**
 * The numbers of every run per epoch as CSV: a `run` column, then NUMBER_COLUMNS (full precision);
 * a run of several outputs has its outputs' test accuracies in columns of their own (`test acc (cls)`).
 */
export function numbersCsv(runs: readonly RunRecord[]): string {
  const labels = runLabels(runs);
  const rows = runs.flatMap((run, i) => {
    const outputs = accuracyOutputs(run);
    return [run.initial, ...run.epochs].map((s) => {
      const e = 'trainLoss' in s ? (s as EpochRecord) : undefined;
      const values = [s.epoch, e?.trainLoss, s.penaltyLoss, s.testLoss, s.testAcc, s.sparsity.lt1e3, s.sparsity.lt1e2, e?.seconds];
      const apart = outputs.length ? columnAccuracies(s, outputs) : [];
      return {
        run: labels[i] ?? '',
        ...Object.fromEntries(NUMBER_COLUMNS.map((c, k) => [c, values[k] ?? null])),
        ...Object.fromEntries(outputs.map((o, k) => [accuracyTitle(o), apart[k] ?? null])),
      };
    });
  });
  return rowsCsv(rows);
}

/**
 * What the section says epoch 0 is, by initialWords: `Epoch 0 is the untrained model.` (the reference
 * model), `Epoch 0 is the model before training, as its source gave it.` when a run's model came from
 * a module or a folder (a saved model may be trained already).
 */
function initialNote(runs: readonly RunRecord[]): string {
  return runs.some((r) => initialWords(r.config) === 'before training')
    ? 'Epoch 0 is the model before training, as its source gave it.'
    : 'Epoch 0 is the untrained model.';
}

/** The whole `#numbers` section. */
export function numbersSection(runs: readonly RunRecord[], selected: number): string {
  const labels = runLabels(runs);
  const tables = runs.map((run, i) => {
    const snaps = [run.initial, ...run.epochs];
    const attrs = snaps.map((s) => `data-epoch="${s.epoch}"${s.epoch === selected ? ' class="selected"' : ''}`);
    const caption = runs.length > 1 ? `<h3>${escText(labels[i] ?? '')}</h3>` : '';
    const outputs = accuracyOutputs(run);
    const columns = NUMBER_COLUMNS.flatMap((c) => (c === 'test acc' && outputs.length ? outputs.map(accuracyTitle) : [c]));
    const rows = snaps.map((s) => epochRow(s, outputs));
    return `<div class="run-numbers">${caption}${table(columns.map(escText), rows, 'class="numbers"', attrs)}</div>`;
  });
  return [
    '<section id="numbers">',
    '<h2>Numbers per epoch</h2>',
    '<div class="downloads" id="dl-numbers"></div>',
    `<p class="note">${initialNote(runs)} Losses are means over the epoch's batches; the penalty loss is λ·penalty.</p>`,
    `<div class="tables">${tables.join('\n')}</div>`,
    '<h2>Configuration</h2>',
    configTable(runs),
    '</section>',
  ].join('\n');
}
