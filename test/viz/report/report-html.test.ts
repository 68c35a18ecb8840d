import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.ts';
import { vegaScript } from '../../../src/render/report-file.ts';
import { epochHistogramSpec, shortPercent } from '../../../src/viz/figures/index.ts';
import { PACKED_JSON_TYPE } from '../../../src/viz/packed/index.ts';
import { pageModel, reportHtml as pageOf, type ReportOptions } from '../../../src/viz/report/index.ts';
import { numbersCsv, numbersSection } from '../../../src/viz/report/numbers-table.ts';
import { makeRunRecord, REFERENCE_LAYERS, withOutputs, withoutNorms, withScores } from '../../fixtures/run-record-fixture.ts';
import { plain } from '../figures/spec-helpers.ts';
import { embedded } from './embedded.ts';

const one = [withScores(makeRunRecord({ epochs: 4, penalty: 'deadzone:1e-4,a=0.25' }), 4, { testLoss: 0.041234, testAcc: 0.987149 })];
const three = [
  makeRunRecord({ epochs: 4, penalty: 'none' }),
  makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', seed: 2 }),
  makeRunRecord({ epochs: 3, penalty: 'logsum:1e-4,eps=0.05', seed: 3 }),
];

const VEGA = await vegaScript();
const reportHtml = (runs: Parameters<typeof pageOf>[0], options: Partial<ReportOptions> = {}) => pageOf(runs, { vegaScript: VEGA, ...options });

/** The page without its scripts' contents (small enough to print when an assertion fails). */
async function markup(runs: Parameters<typeof pageOf>[0], options?: Partial<ReportOptions>): Promise<string> {
  return (await reportHtml(runs, options)).replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1…</script>');
}

describe('reportHtml', () => {
  it('refuses no run with a UsageError', async () => {
    await expect(pageOf([], { vegaScript: '' })).rejects.toThrow(UsageError);
  });

  it('is one self-contained page: Vega inline, no external resources', async () => {
    const html = await reportHtml(one);
    const page = await markup(one);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page.match(/\b(src|href)=|@import|url\(/gi)).toBeNull();
    expect(page.match(/<script>/g)).toHaveLength(2); // vega.min.js and the page's scripts (downloads, views, controls)
    expect(html.includes('globalThis:t||self).vega={}')).toBe(true);
    expect(html.length).toBeGreaterThan(400_000);
  });

  it('has the controls: #epoch slider 0..N, linear/log radios, #layer with all and each layer', async () => {
    const html = await markup(one);
    expect(html).toMatch(/<input id="epoch" type="range" min="0" max="4" step="1" value="4">/);
    expect(html).toMatch(/<input type="radio" name="scale" value="linear" checked>/);
    expect(html).toMatch(/<input type="radio" name="scale" value="log">/);
    const options = [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(options).toEqual(['all', 'conv2d_1', 'conv2d_2', 'dense_1', 'dense_2']);
  });

  it('titles the selected (last) epoch and highlights its row; shows the configuration', async () => {
    const html = await markup(one, { title: 'my run' });
    expect(html).toContain('<title>my run</title>');
    expect(html).toContain('<h2 id="title">epoch=4 loss=0.0412 acc=0.9871</h2>');
    expect(html).not.toContain('class="run-title"');
    expect(html.match(/<tr data-epoch="\d+"/g)).toHaveLength(5);
    expect(html).toContain('<tr data-epoch="4" class="selected">');
    expect(html).toContain('<section id="numbers">');
    for (const text of ['deadzone:1e-4,a=0.25', 'λ·Σ max(0, |w| − a)', 'wasm', '4 (data-parallel)', '60,000 / 10,000']) expect(html).toContain(text);
  });

  it('says a dataset\'s training size is not known (NaN in the record), not "NaN"', async () => {
    const run = makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' });
    const html = await markup([{ ...run, config: { ...run.config, trainSize: Number.NaN, testSize: 40, data: 'dataset' } }]);
    expect(html).toContain('<td>train / test size</td><td><code>not known (a dataset) / 40</code></td>');
    expect(html).not.toMatch(/>NaN /);
  });

  it("tabulates epoch 0's penalty (the untrained weights' λ·penalty, in every record) in the page and the CSV", async () => {
    const run = makeRunRecord({ epochs: 2, penalty: 'l1:1e-4' });
    const html = await markup([run]);
    const row0 = /<tr data-epoch="0"[^>]*>([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    const cells = [...row0.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells.slice(0, 3)).toEqual(['0', '—', run.initial.penaltyLoss.toPrecision(4)]);
    const csv = numbersCsv([run]).split('\n');
    expect(csv[1]?.split(',').slice(1, 4)).toEqual(['0', '', String(run.initial.penaltyLoss)]);
  });

  it('calls epoch 0 the untrained model for the reference model, the model before training for one from a source (it may be trained already)', () => {
    const run = makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' });
    expect(numbersSection([run], 1)).toContain('Epoch 0 is the untrained model.');
    const model = { name: 'sequential', source: 'runs/a/checkpoint/model', weights: 10, inputShape: [2], outputShape: [2] };
    const loaded = numbersSection([run, { ...run, config: { ...run.config, model } }], 1);
    expect(loaded).toContain('Epoch 0 is the model before training, as its source gave it.');
    expect(loaded).not.toContain('untrained');
  });

  it('says when it shows part of a run (written after every epoch: opened while training, or after an interruption)', async () => {
    const done = makeRunRecord({ epochs: 2, penalty: 'l1:1e-4' });
    const partial = { ...done, config: { ...done.config, epochs: 5 } };
    const sub = async (runs: Parameters<typeof pageOf>[0]) => /<p class="sub">([\s\S]*?)<\/p>/.exec(await markup(runs))?.[1] ?? '';
    expect(await sub([done])).not.toContain('class="progress"');
    expect(await sub([partial])).toContain(' · <span class="progress">2 of 5 epochs: unfinished</span>');
    expect(await sub([{ ...partial, stopped: { epoch: 3, batch: 7, reason: 'loss is NaN' } }])).toContain(
      '<span class="progress">stopped at epoch 3, batch 7</span>',
    );
    expect(await sub([{ ...partial, endedEarly: { epoch: 2, reason: 'stopTraining' } }])).toContain('<span class="progress">ended early after epoch 2</span>');
    const both = await sub([done, { ...partial, config: { ...partial.config, penalty: 'l2:1e-4' } }]);
    expect(both.match(/class="progress"/g)).toHaveLength(1);
    expect(both).toContain('(<span class="progress">2 of 5 epochs: unfinished</span>)');
  });

  it('has one .run-title per run for several runs, and #title shows the epoch only', async () => {
    const html = await markup(three);
    expect(html).toContain('<h2 id="title">epoch=4</h2>');
    expect(html.match(/class="run-title"/g)).toHaveLength(3);
    expect(html).toContain('epoch=4: not reached (last epoch 3)');
    expect(html.match(/<table class="numbers">/g)).toHaveLength(3);
  });

  it('titles a model of several outputs as its epoch-NNN.png: lines of 56 characters, long output names shortened in their middle, full names below, in the histograms and the Weight norms', async () => {
    const long = ['mnist', 'emnist'].map((m) => `multitask_head_for_${m.padEnd(9, '_')}_classifier_output_layer_weights`);
    const run = withOutputs(makeRunRecord({ epochs: 2, penalty: 'l1:1e-4', seed: 2 }), long);
    const title = plain(epochHistogramSpec(run, 2)).title;
    // The PNG's title and its subtitle's full-name lines, the same function's (one line of 165 characters before).
    const lines: string[] = [title.text].flat();
    const fullNames = (title.subtitle as string[]).filter((l) => l.includes('multitask'));
    expect(pageModel([run]).runs[0]?.titles[2]).toEqual({ lines, fullNames });
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(56);
    for (const full of long) expect(fullNames).toContain(full);
    const page = await markup([run]);
    expect(page).toContain(`<h2 id="title">${lines.join('\n')}</h2><div class="full-names" data-run="0">${fullNames.join('\n')}</div>`);
    // The Weight norms card titled the same, its full names below it too (`epochTitleHtml`; the title lines only before).
    expect(page).toContain(`<div class="norms-title" data-run="0">${lines.join('\n')}</div><div class="full-names" data-run="0">${fullNames.join('\n')}</div>`);
    // Several runs: each card's title so, its full names below it.
    expect(await markup([run, makeRunRecord({ epochs: 2, penalty: 'none' })])).toContain(
      `<div class="run-title">${lines.join('\n')}</div><div class="full-names" data-run="0">${fullNames.join('\n')}</div>`,
    );
  });

  it('embeds the data and specs precompiled to Vega', async () => {
    const html = await reportHtml(three);
    const specs = await embedded(html, 'penx-specs');
    for (const spec of [specs.histogram.linear, specs.histogram.log, specs.sparsity, specs.accuracy]) {
      expect(spec.$schema).toMatch(/vega\/v\d/);
      expect(spec.$schema).not.toMatch(/vega-lite/);
    }
    const signals = specs.histogram.log.signals.map((s: { name: string }) => s.name);
    expect(signals).toEqual(expect.arrayContaining(['ymax', 'symc', 'yticks']));
    expect(specs.histogram.log.data.map((d: { name: string }) => d.name)).toContain('bins');
    expect(await embedded(html, 'penx-model')).toEqual(JSON.parse(JSON.stringify(pageModel(three))));
    // Packed: gzip and base64, several times smaller than the JSON (a 40-epoch comparison of seven
    // runs was 4.3 MB of page model and specs as JSON).
    for (const id of ['penx-model', 'penx-specs']) {
      const element = new RegExp(`<script type="([^"]+)" id="${id}">(.*?)</script>`, 's').exec(html);
      expect(element?.[1]).toBe(PACKED_JSON_TYPE);
      expect(element?.[2]).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(element?.[2]?.length).toBeLessThan(JSON.stringify(await embedded(html, id)).length / 2);
    }
  });
});

describe('pageModel', () => {
  it('indexes titles and histograms by epoch, per layer, with one y axis per layer', () => {
    const model = pageModel(three);
    expect(model.lastEpoch).toBe(4);
    expect(model.layers).toEqual(['all', 'conv2d_1', 'conv2d_2', 'dense_1', 'dense_2']);
    expect(model.runs.map((r) => r.label)).toEqual(['none', 'l1:1e-4', 'logsum:1e-4,eps=0.05']);
    const run = three[1];
    expect(model.runs[1]!.titles[2]).toEqual({
      lines: [`epoch=2 loss=${run!.epochs[1]!.testLoss!.toFixed(4)} acc=${run!.epochs[1]!.testAcc!.toFixed(4)}`],
      fullNames: [],
    });
    expect(model.runs[1]?.hist['dense_1']?.[2]?.density[50]).toBeCloseTo(run?.epochs[1]?.layers[2]?.histogram.density[50] ?? NaN, 4);
    expect(model.runs[2]?.hist['all']?.[4]).toBeNull();
    const top = Math.max(...three.flatMap((r) => [r.initial, ...r.epochs]).flatMap((s) => s.histogram.density));
    expect(model.axes['all']?.ymax).toBeGreaterThanOrEqual(top);
    expect(model.axes['all']?.yticks[0]).toBe(0);
  });
});

describe('the Weight norms section', () => {
  const bounded = [
    makeRunRecord({
      epochs: 4,
      penalty: 'none',
      layers: REFERENCE_LAYERS,
      constraintBounds: { max: 2, axis: 0 },
      batchNorms: 5,
      optimizer: 'adamw:lr=0.001,wd=1e-4',
      lrMult: 'conv2d_1=0.1,dense*=2',
      grad: 'conv*:clipnorm=1',
    }),
  ];

  it("has #norms with the histograms' container, the curves and the epoch's title, at the last epoch", async () => {
    const html = await markup(bounded);
    expect(html).toContain('<section id="norms" data-epoch="4">');
    expect(html).toContain('<h2>Weight norms</h2>');
    expect(html).toContain('<div class="chart" id="norms-0"></div>');
    expect(html).toContain('<div class="chart" id="norm-curves"></div>');
    const e4 = bounded[0]?.epochs[3];
    expect(html).toContain(`<div class="norms-title" data-run="0">epoch=4 loss=${e4!.testLoss!.toFixed(4)} acc=${e4!.testAcc!.toFixed(4)}</div>`);
    expect(html).toContain(
      'Red rules: the bounds of the norm constraint — maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel — in the panels whose norms it bounds',
    );
    // The existing sections and controls are still there.
    expect(html).toContain('<section id="numbers">');
    expect(html).toMatch(/<input id="epoch" type="range" min="0" max="4" step="1" value="4">/);
  });

  it('tabulates the projected share per epoch and layer, rows marked by epoch', async () => {
    const html = await markup(bounded);
    const table = /<table class="projected">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect([...table.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(['epoch', ...REFERENCE_LAYERS]);
    expect([...table.matchAll(/<tr data-epoch="(\d+)"/g)].map((m) => m[1])).toEqual(['1', '2', '3', '4']);
    expect(table).toContain('<tr data-epoch="4" class="selected">');
    const e2 = bounded[0]?.epochs[1];
    const row2 = /<tr data-epoch="2">(.*?)<\/tr>/.exec(table)?.[1] ?? '';
    expect([...row2.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['2', ...(e2?.norms ?? []).map((n) => shortPercent(n.projected ?? NaN))]);
    expect(await markup(three)).not.toContain('class="projected"');
  });

  it('shows optimizer, lr multipliers, gradient transforms, norm tracking, and the constraint with its bounds and where it acts in the configuration', async () => {
    const html = await markup(bounded);
    const config = /<table class="config">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const row = (label: string) => new RegExp(`<tr><td>${label}</td><td><code>([^<]*)</code></td></tr>`).exec(config)?.[1];
    expect(row('optimizer')).toBe('adamw:lr=0.001,wd=1e-4');
    expect(row('lr multipliers')).toBe('conv2d_1=0.1,dense*=2');
    expect(row('gradient transforms')).toBe('conv*:clipnorm=1');
    expect(row('track norms')).toBe('batch');
    expect(row('constraint')).toBe('maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel');
    const plainConfig = /<table class="config">([\s\S]*?)<\/table>/.exec(await markup(one))?.[1] ?? '';
    expect(plainConfig).toContain('<tr><td>track norms</td><td><code>epoch</code></td></tr>');
    expect(plainConfig).toContain('<tr><td>lr multipliers</td><td><code>—</code></td></tr>');
  });

  it('embeds per epoch and layer the binned norms on limits shared by all epochs (a norm axis per layer), and the norm specs', async () => {
    const html = await reportHtml(bounded);
    const model = await embedded(html, 'penx-model');
    expect(model.norms.layers).toEqual(REFERENCE_LAYERS);
    expect(model.norms.labels[1]).toBe('conv2d_2 · 64 ch');
    for (const [col, layer] of REFERENCE_LAYERS.entries()) {
      const all = [bounded[0]?.initial, ...(bounded[0]?.epochs ?? [])].flatMap((s) => s?.norms.find((n) => n.layer === layer)?.norms ?? []);
      // At least the layer's largest norm and its max-norm bound (2), rounded up.
      expect(model.norms.xMax[col]).toBeGreaterThanOrEqual(Math.max(2, ...all));
      expect(model.norms.xMax[col]).toBeLessThan(1.6 * Math.max(2, ...all));
    }
    const cell = model.runs[0].norms[2][3];
    expect(cell.shares).toHaveLength(model.norms.bins);
    expect(cell.shares.reduce((a: number, s: number) => a + s, 0)).toBeCloseTo(1, 5);
    expect(cell.projected).toBeCloseTo(bounded[0]?.epochs[1]?.norms[3]?.projected ?? NaN, 5);
    expect(cell.note).toMatch(/^projected \d/);
    expect(model.runs[0].norms[0][3].note).toBe('');
    // Per layer column: the bounds of the constraint on that layer's kernel (here every layer's).
    expect(model.runs[0].bounds).toEqual(REFERENCE_LAYERS.map(() => [{ bound: 2, label: 'max=2' }]));
    const specs = await embedded(html, 'penx-specs');
    expect(specs.norms.data.map((d: { name: string }) => d.name)).toContain('norms');
    expect(specs.normCurves.$schema).toMatch(/vega\/v\d/);
  });

  it('is left out for records without norms, and says which run has none in a comparison', async () => {
    const old = [withoutNorms(makeRunRecord({ epochs: 2 }))];
    const html = await markup(old);
    expect(html).not.toContain('id="norms"');
    expect((await embedded(await reportHtml(old), 'penx-model')).norms).toBeUndefined();
    expect((await embedded(await reportHtml(old), 'penx-specs')).norms).toBeUndefined();
    expect(html).toContain('<tr><td>track norms</td><td><code>—</code></td></tr>');
    const mixed = await markup([...bounded, ...old]);
    expect(mixed).toContain('id="norms-0"');
    expect(mixed).not.toContain('id="norms-1"');
    expect(mixed).toContain('no channel norms in this record');
  });
});
