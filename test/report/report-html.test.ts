import { describe, expect, it } from 'vitest';
import { pageModel, reportHtml } from '../../mnist-demo/report/index.ts';
import { makeRunRecord, withScores } from '../fixtures/run-record-fixture.ts';

const one = [withScores(makeRunRecord({ epochs: 4, penalty: 'deadzone:1e-4,a=0.25' }), 4, { testLoss: 0.041234, testAcc: 0.987149 })];
const three = [
  makeRunRecord({ epochs: 4, penalty: 'none' }),
  makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', seed: 2 }),
  makeRunRecord({ epochs: 3, penalty: 'logsum:1e-4,eps=0.05', seed: 3 }),
];

/** The JSON inside `<script type="application/json" id="…">`. */
function embedded(html: string, id: string): any {
  const match = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html);
  if (!match?.[1]) throw new Error(`no #${id} in the page`);
  return JSON.parse(match[1]);
}

/** The page without its scripts' contents (small enough to print when an assertion fails). */
async function markup(runs: Parameters<typeof reportHtml>[0], options?: Parameters<typeof reportHtml>[1]): Promise<string> {
  return (await reportHtml(runs, options)).replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1…</script>');
}

describe('reportHtml', () => {
  it('is one self-contained page: Vega inline, no external resources', async () => {
    const html = await reportHtml(one);
    const page = await markup(one);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page.match(/\b(src|href)=|@import|url\(/gi)).toBeNull();
    expect(page.match(/<script>/g)).toHaveLength(2); // vega.min.js and the page script
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
    for (const text of ['deadzone:1e-4,a=0.25', 'λ·Σ max(0, |w| − a)', 'wasm', '60,000 / 10,000']) expect(html).toContain(text);
  });

  it('has one .run-title per run for several runs, and #title shows the epoch only', async () => {
    const html = await markup(three);
    expect(html).toContain('<h2 id="title">epoch=4</h2>');
    expect(html.match(/class="run-title"/g)).toHaveLength(3);
    expect(html).toContain('epoch=4: not reached (last epoch 3)');
    expect(html.match(/<table class="numbers">/g)).toHaveLength(3);
  });

  it('embeds the data and specs precompiled to Vega', async () => {
    const html = await reportHtml(three);
    const specs = embedded(html, 'penx-specs');
    for (const spec of [specs.histogram.linear, specs.histogram.log, specs.sparsity, specs.accuracy]) {
      expect(spec.$schema).toMatch(/vega\/v\d/);
      expect(spec.$schema).not.toMatch(/vega-lite/);
    }
    const signals = specs.histogram.log.signals.map((s: { name: string }) => s.name);
    expect(signals).toEqual(expect.arrayContaining(['ymax', 'symc', 'yticks']));
    expect(specs.histogram.log.data.map((d: { name: string }) => d.name)).toContain('bins');
    expect(embedded(html, 'penx-model')).toEqual(JSON.parse(JSON.stringify(pageModel(three))));
  });
});

describe('pageModel', () => {
  it('indexes titles and histograms by epoch, per layer, with one y axis per layer', () => {
    const model = pageModel(three);
    expect(model.lastEpoch).toBe(4);
    expect(model.layers).toEqual(['all', 'conv2d_1', 'conv2d_2', 'dense_1', 'dense_2']);
    expect(model.runs.map((r) => r.label)).toEqual(['none', 'l1:1e-4', 'logsum:1e-4,eps=0.05']);
    const run = three[1];
    expect(model.runs[1]?.titles[2]).toBe(`epoch=2 loss=${run?.epochs[1]?.testLoss.toFixed(4)} acc=${run?.epochs[1]?.testAcc.toFixed(4)}`);
    expect(model.runs[1]?.hist['dense_1']?.[2]?.density[50]).toBeCloseTo(run?.epochs[1]?.layers[2]?.histogram.density[50] ?? NaN, 4);
    expect(model.runs[2]?.hist['all']?.[4]).toBeNull();
    const top = Math.max(...three.flatMap((r) => [r.initial, ...r.epochs]).flatMap((s) => s.histogram.density));
    expect(model.axes['all']?.ymax).toBeGreaterThanOrEqual(top);
    expect(model.axes['all']?.yticks[0]).toBe(0);
  });
});
