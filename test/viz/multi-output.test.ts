/**
 * A run of a model of two outputs, trained by `fitToFolder` (two classifiers on one hidden layer):
 * its record holds no single test accuracy but each output's after every epoch (`testMetrics`),
 * and `penx summary` (text and JSON: each output's accuracy, Δ to the run without a penalty and
 * spread over seeds), the accuracy and curves figures, the histogram figures' titles and notes,
 * the report's numbers and charts and the dashboard show each output's, named by output, the
 * values the record holds.
 * The folder is served by the dashboard in-process; the pages open in headless Chromium.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { listingText } from '../../mnist-demo/cli/actions/runs-folder.ts';
import { summaryText } from '../../mnist-demo/cli/actions/summary.ts';
import { type Summary, summarize } from '../../mnist-demo/experiment/summary.ts';
import { type EpochRecord, outputAccuracies, type RunRecord, readRunRecord, snapshots } from '../../src/formats/index.ts';
import { fitToFolder, tf } from '../../src/node.ts';
import { renderSvg } from '../../src/render/render.ts';
import { vegaScript } from '../../src/render/report-file.ts';
import { accuracySpec, compareHistogramsSpec, curvesSpec, histogramGridSpec, PER_OUTPUT_ACCURACY, snapshotTitle } from '../../src/viz/figures/index.ts';
import { reportHtml } from '../../src/viz/report/index.ts';
import { numbersCsv } from '../../src/viz/report/numbers-table.ts';
import { CHROMIUM, hasChromium } from '../chromium.ts';
import { penx } from '../cli/run-penx.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { servedFolder } from '../serve/served-folder.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const served = servedFolder('penx-two-outputs-', () => {});
const run = () => join(served.dir, 'two');
let record: RunRecord;

/** 96 samples of 4 features: `digit` (i mod 3) and `parity` (the sign of sin i), both learnable from them. */
function data() {
  const xs = Array.from({ length: 96 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 3) / 2, i % 2]);
  return {
    x: tf.tensor2d(xs),
    y: { digit: tf.tensor1d(xs.map((_, i) => i % 3)), parity: tf.tensor1d(xs.map((r) => ((r[0] as number) > 0 ? 1 : 0))) },
  };
}

beforeAll(async () => {
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ name: 'hidden', units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const digit = tf.layers.dense({ name: 'digit', units: 3, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const parity = tf.layers.dense({ name: 'parity', units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [digit, parity] });
  const d = data();
  await fitToFolder(model, d, {
    dir: run(),
    epochs: 3,
    batchSize: 16,
    optimizer: 'adam:lr=0.05',
    loss: 'sparseCategoricalCrossentropy',
    validationData: d,
    seed: 1,
    figures: false,
  });
  tf.dispose([d.x, d.y.digit, d.y.parity]);
  model.dispose();
  record = readRunRecord(JSON.parse(readFileSync(join(run(), 'run.json'), 'utf8')));
}, 60_000);

/** The record's accuracy of `output` after each epoch (0 = the untrained model). */
const recorded = (output: 'digit' | 'parity') => [record.initial, ...record.epochs].map((s) => s.testMetrics?.[`${output}_acc`]);

describe('a run of two outputs', () => {
  it('records no single test accuracy, and each output’s after every epoch, epoch 0 too', () => {
    expect([record.initial, ...record.epochs].map((s) => s.testAcc)).toEqual([null, null, null, null]);
    for (const o of ['digit', 'parity'] as const) for (const acc of recorded(o)) expect(acc).toBeTypeOf('number');
    // Learnt: the parity output is right more often after 3 epochs than untrained.
    expect(recorded('parity')[3]).toBeGreaterThan(recorded('parity')[0] as number);
    expect(outputAccuracies(record.epochs[2]?.testMetrics)).toEqual([
      { output: 'digit', acc: recorded('digit')[3] },
      { output: 'parity', acc: recorded('parity')[3] },
    ]);
  });

  it('outputAccuracies reads the outputs off their losses: an output named with _acc is told apart; one output has none', () => {
    expect(outputAccuracies({ x_loss: 1, x_acc_loss: 2, x_acc: 0.5, x_acc_acc: 0.25, x_acc_mse: 3 })).toEqual([
      { output: 'x', acc: 0.5 },
      { output: 'x_acc', acc: 0.25 },
    ]);
    expect(outputAccuracies({ cls_loss: 1, reg_loss: 2, cls_accuracy: null })).toEqual([{ output: 'cls', acc: null }]);
    expect(outputAccuracies({ acc: 0.9 })).toEqual([]);
    expect(outputAccuracies(undefined)).toEqual([]);
  });

  it('penx summary shows each output’s test accuracy by name, in text and JSON', async () => {
    const pct = (x: number | null | undefined) => `${(100 * (x as number)).toFixed(2)} %`;
    const text = await penx('summary', run(), '--epochs', '0,3');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('epoch'))).toMatch(/^epoch +test acc \(digit\) +test acc \(parity\) +Δ none \(digit, pt\) +Δ none \(parity, pt\) /);
    for (const e of [0, 3]) {
      const row = lines.find((l) => l.startsWith(`${e} `)) ?? '';
      expect(row.split(/ {2,}/).slice(0, 3)).toEqual([String(e), pct(recorded('digit')[e]), pct(recorded('parity')[e])]);
    }
    const json = await penx('summary', run(), '--json', '--epochs', '0,3');
    expect(json.code, json.stderr).toBe(0);
    const s = JSON.parse(json.stdout) as Summary;
    expect(s.runs[0]?.epochs.map((e) => [e.epoch, e.testAcc, e.testAccByOutput])).toEqual(
      [0, 3].map((e) => [e, null, { digit: recorded('digit')[e], parity: recorded('parity')[e] }]),
    );
  });

  it('the accuracy and curves figures draw a line per output, dashed and labelled by output; one output’s as before', () => {
    const perEpoch = (o: string) => record.epochs.map((e: EpochRecord) => [e.epoch, o, e.testMetrics?.[`${o}_acc`]]);
    const want = [...perEpoch('digit'), ...perEpoch('parity')].sort();
    const acc = accuracySpec([record]) as unknown as {
      data: { values: Record<string, unknown>[] };
      encoding: Record<string, unknown>;
      title: { subtitle: string[] };
    };
    expect(acc.data.values.map((v) => [v['epoch'], v['output'], v['acc']]).sort()).toEqual(want);
    expect(acc.encoding['strokeDash']).toMatchObject({ field: 'output', title: 'output', sort: ['digit', 'parity'] });
    expect(acc.title.subtitle).toEqual(['after each epoch', PER_OUTPUT_ACCURACY]);
    type Panel = { transform: { filter: { equal: string } }[]; layer: { encoding?: Record<string, unknown> }[] };
    const curves = curvesSpec([record]) as unknown as { data: { values: Record<string, unknown>[] }; concat: Panel[] };
    const rows = curves.data.values.filter((v) => v['metric'] === 'test accuracy');
    expect(rows.map((v) => [v['epoch'], v['output'], v['value']]).sort()).toEqual(want);
    // The panel of the metric, its epoch line (the layer with a tooltip) dashed by output.
    const panel = curves.concat.find((p) => p.transform[0]?.filter.equal === 'test accuracy');
    expect(panel?.layer.find((l) => l.encoding?.['tooltip'])?.encoding?.['strokeDash']).toMatchObject({ field: 'output' });
    // A run of one output beside it is `all`; alone, its figures have no output at all.
    const one = makeRunRecord({ epochs: 2, penalty: 'l1:1e-4' });
    const mixed = accuracySpec([record, one]) as unknown as typeof acc;
    expect(new Set(mixed.data.values.map((v) => v['output']))).toEqual(new Set(['digit', 'parity', 'all']));
    const alone = [accuracySpec([one]), curvesSpec([one])] as unknown as { data: { values: Record<string, unknown>[] } }[];
    expect(alone.flatMap((f) => f.data.values).filter((v) => 'output' in v)).toEqual([]);
    expect(JSON.stringify(alone)).not.toContain('strokeDash');
  });

  it('penx summary’s Δ to the run without a penalty and spread over seeds are per output, in text and JSON', () => {
    /** The record as another run: `config`'s settings, and every epoch's accuracies `digit` and `parity`. */
    const as = (config: Partial<RunRecord['config']>, digit: number, parity: number): RunRecord => {
      const copy = structuredClone(record);
      Object.assign(copy.config, config);
      for (const s of snapshots(copy)) Object.assign(s.testMetrics ?? {}, { digit_acc: digit, parity_acc: parity });
      return copy;
    };
    expect([record.config.penalty, record.config.seed]).toEqual(['none', 1]);
    const records = [
      { name: 'none', record },
      { name: 'l1', record: as({ penalty: 'l1:1e-4' }, 0.5, 0.25) },
      { name: 'none-2', record: as({ seed: 2 }, 0.125, 1) },
    ];
    const s = summarize([{ folder: 'cmp', records }], { epochs: [3] });
    const [digit, parity] = [recorded('digit')[3] as number, recorded('parity')[3] as number];
    expect(s.runs.map((r) => r.epochs[0]?.deltaToNoneByOutput)).toEqual([
      { digit: 0, parity: 0 },
      { digit: 0.5 - digit, parity: 0.25 - parity },
      { digit: 0, parity: 0 }, // seed 2 is its own run without a penalty
    ]);
    expect(s.spread).toEqual(
      (['digit', 'parity'] as const).map((output, i) => {
        const accs = [
          [digit, 0.125],
          [parity, 1],
        ][i] as number[];
        return { penalty: 'none', output, setup: {}, seeds: [1, 2], epochs: [{ epoch: 3, min: Math.min(...accs), max: Math.max(...accs) }] };
      }),
    );
    const text = summaryText(s, 0.5).split('\n');
    const points = (x: number) => `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(2)}`;
    const l1 = text.findIndex((l) => l.startsWith('cmp/l1: '));
    expect(text[l1 + 3]?.split(/ {2,}/).slice(3, 5)).toEqual([points(0.5 - digit), points(0.25 - parity)]);
    expect(text.filter((l) => l.includes('over seeds'))).toEqual([
      'none over seeds 1, 2: test accuracy (digit)',
      'none over seeds 1, 2: test accuracy (parity)',
    ]);
    // A folder of such runs, a line each (penx summary FOLDER): each output's accuracy and Δ none, as in the tables.
    const lines = listingText(
      s.runs.map((r) => ({ ...r, state: 'finished' as const, planned: 3 })),
      0.5,
    ).split('\n');
    expect(lines[0]).toMatch(/^run +penalty +seed +state +epochs +test acc \(digit\) +test acc \(parity\) +Δ none \(digit, pt\) +Δ none \(parity, pt\) /);
    expect(lines[3]?.split(/ {2,}/).slice(0, 9)).toEqual([
      'l1',
      'l1:1e-4',
      '1',
      'finished',
      '3/3',
      '50.00 %',
      '25.00 %',
      points(0.5 - digit),
      points(0.25 - parity),
    ]);
  });

  it('the histogram figures note each output’s accuracy; the grid’s titles wrap to the width of one output’s', async () => {
    // The side-by-side histograms: each output's accuracy in the panel's note, in lines as wide as one output's note.
    const overlay = compareHistogramsSpec([record], { epochs: [0, 3] }) as unknown as { data: { values: Record<string, unknown>[] } };
    const notes = [...new Set(overlay.data.values.map((v) => JSON.stringify(v['note'])))].map((n) => JSON.parse(n));
    const four = (x: number | null | undefined) => (x as number).toFixed(4);
    expect(notes).toEqual(
      [0, 3].map((e) => [
        `loss=${four(snapshots(record)[e]?.testLoss)}`,
        `acc(digit)=${four(recorded('digit')[e])}`,
        `acc(parity)=${four(recorded('parity')[e])}`,
      ]),
    );
    /** The grid's panel titles, as its header's label expression holds them. */
    const titles = (r: RunRecord) =>
      JSON.parse((histogramGridSpec(r) as unknown as { facet: { header: { labelExpr: string } } }).facet.header.labelExpr.replace(/\[datum\.value\]$/, ''));
    const one = structuredClone(record);
    for (const s of snapshots(one)) Object.assign(s, { testAcc: s.testMetrics?.['digit_acc'], testMetrics: undefined });
    expect(titles(one)).toEqual(snapshots(one).map(snapshotTitle));
    const lines = titles(record) as string[][];
    expect(lines.map((l) => l.join(' '))).toEqual(snapshots(record).map(snapshotTitle));
    const most = snapshots(one).map((s) => snapshotTitle(s).length);
    lines.forEach((l, i) => {
      for (const line of l) expect(line.length).toBeLessThanOrEqual(most[i] as number);
    });
    // Drawn: as wide as the same run with one accuracy (was about twice as wide).
    const width = async (r: RunRecord) => Number(/^<svg[^>]* width="([\d.]+)"/.exec(await renderSvg(histogramGridSpec(r)))?.[1]);
    expect(await width(record)).toBe(await width(one));
  });

  it('the report’s numbers have a test accuracy column per output, in the table and its CSV', () => {
    const csv = numbersCsv([record]).split('\n');
    const header = csv[0]?.split(',') ?? [];
    expect(header).toEqual(expect.arrayContaining(['test acc (digit)', 'test acc (parity)']));
    const at = (name: string) => header.indexOf(name);
    expect(csv.slice(1, 5).map((l) => Number(l.split(',')[at('test acc (parity)')]))).toEqual(recorded('parity'));
  });

  it.skipIf(!hasChromium)(
    'in Chromium: the report’s accuracy chart and training curves, and the dashboard’s curves, name each output; the numbers show each',
    async () => {
      const file = join(served.dir, 'report.html');
      writeFileSync(file, await reportHtml([record], { vegaScript: await vegaScript() }));
      const page = await served.browser().newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
      const texts = (selector: string) =>
        page
          .waitForFunction((s) => document.querySelector(s)?.textContent?.includes('parity'), selector, { timeout: 30_000 })
          .then(() => page.$$eval(`${selector} text`, (ts) => ts.map((t) => t.textContent)));
      /** The strokes of the lines drawn in `selector`'s chart with a dash pattern. */
      const dashed = (selector: string) =>
        page.$$eval(`${selector} path[stroke-dasharray]`, (ps) => ps.filter((p) => p.getAttribute('stroke-dasharray') !== '').length);
      for (const chart of ['#accuracy', '#view-curves']) {
        await page.locator(chart).scrollIntoViewIfNeeded();
        expect(await texts(chart), chart).toEqual(expect.arrayContaining(['output', 'digit', 'parity']));
        expect(await dashed(chart), chart).toBeGreaterThan(0);
      }
      const head = await page.$$eval('#numbers table.numbers th', (ths) => ths.map((t) => t.textContent));
      expect(head).toEqual(expect.arrayContaining(['test acc (digit)', 'test acc (parity)']));
      const last = await page.$$eval('#numbers tr[data-epoch="3"] td', (tds) => tds.map((t) => t.textContent));
      expect(last).toContain((recorded('parity')[3] as number).toFixed(4));
      // PENX_SHOT=<prefix>: screenshots of both pages, to look at.
      const shot = async (name: string, selector: string) => {
        if (process.env.PENX_SHOT)
          await page
            .locator(selector)
            .first()
            .screenshot({ path: `${process.env.PENX_SHOT}-${name}.png` });
      };
      for (const [name, selector] of [
        ['report-accuracy', '.charts'],
        ['report-curves', '#view-curves'],
        ['report-numbers', '#numbers .tables'],
      ] as const)
        await shot(name, selector);

      await page.goto(`${served.url()}?runs=two`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
      await page.locator('#view-curves').scrollIntoViewIfNeeded();
      expect(await texts('#view-curves')).toEqual(expect.arrayContaining(['test accuracy', 'output', 'digit', 'parity']));
      expect(await dashed('#view-curves')).toBeGreaterThan(0);
      await shot('dashboard-curves', '#view-curves');
      expect(errors).toEqual([]);
      await page.close();
    },
    90_000,
  );
});
