/**
 * The pages' scripts as TypeScript modules (src/viz/pages/), tested in Node like the figures: the
 * rows the report page gives its views are the rows the figure functions draw from the same
 * records; the dashboard's choice of runs, groups and layer menu; `newView` draws with the Vega it is
 * handed; and the bundled scripts carry none of the library's Node-side code. In the browser: test/viz/report/chromium.test.ts,
 * test/serve/dashboard.test.ts, test/monitor/monitor.test.ts.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../../src/formats/index.ts';
import { askRuns, rowsCsv, runIdsOf } from '../../../src/viz/figures/index.ts';
import {
  DASHBOARD_SCRIPT,
  finalizeView,
  heatmapSpec,
  newView,
  overlaySpec,
  type PageModel,
  type PageVega,
  pageModel,
  REFERENCE_BINNING,
  reportHtml,
  ridgelineSpec,
  WRAP_WIDTH,
} from '../../../src/viz/index.ts';
import { type DashboardRun, defaultSelection, layerNames, runGroups, unservedNote } from '../../../src/viz/pages/dashboard.ts';
import { normRows } from '../../../src/viz/pages/report.ts';
import { bandRows, heatRows, overlayRows, ridgeRows } from '../../../src/viz/pages/report-views.ts';
import { fineRuns } from '../views/fine-runs.ts';

let runs: RunRecord[] = [];
let model: PageModel;
beforeAll(async () => {
  runs = await fineRuns(['none', 'l1:1e-2'], 2);
  model = pageModel(runs);
});

/** Rows equal but for the page model's rounding of densities (6 significant digits). */
function expectRows(page: ReadonlyArray<Record<string, unknown>>, figure: ReadonlyArray<Record<string, unknown>>): void {
  expect(page.map((r) => Object.keys(r))).toEqual(figure.map((r) => Object.keys(r)));
  page.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) {
      const want = figure[i]?.[k];
      if (typeof v === 'number' && typeof want === 'number')
        expect(Math.abs(v - want), `row ${i} ${k}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      else expect(v, `row ${i} ${k}`).toEqual(want);
    }
  });
}

const valuesOf = (spec: unknown) => (spec as { data: { values: Array<Record<string, unknown>> } }).data.values;

describe('the report page’s rows are the figures’ rows', () => {
  it('overlay, heatmap and ridgeline (linear and log) at the reference binning, all weights and one layer', () => {
    for (const layer of ['all', 'hidden']) {
      const at = { epoch: 1, layer, scale: 'linear' as const };
      const bins = valuesOf(overlaySpec(runs, { epoch: 1, layer, range: REFERENCE_BINNING.range })).filter((r) => r['kind'] === 'bin');
      expectRows(
        overlayRows(model, at),
        bins.map(({ run, x, density }) => ({ run, x, density })),
      );
      expectRows(
        heatRows(model, at),
        valuesOf(heatmapSpec(runs, { layer, range: REFERENCE_BINNING.range })).map(({ col, epoch, x0, x1, share }) => ({ col, epoch, x0, x1, share })),
      );
      for (const scale of ['linear', 'log'] as const) {
        // The page's ridges rise from the layer's shared density axis; the figure's from its top density: the same rows, scaled.
        const page = ridgeRows(model, { ...at, scale });
        const figure = valuesOf(ridgelineSpec(runs, { layer, scale, range: REFERENCE_BINNING.range }));
        expectRows(
          page.map(({ col, epoch, x, density }) => ({ col, epoch, x, density })),
          figure.map(({ col, epoch, x, density }) => ({ col, epoch, x, density })),
        );
        for (const r of page) expect((r['base'] as number) - (r['ridge'] as number)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('bands: the recorded percentiles of each run and epoch', () => {
    const rows = bandRows(model, { epoch: 0, layer: 'all', scale: 'linear' });
    expect(rows).toHaveLength(runs.length * 3);
    const first = rows[0] as Record<string, number>;
    expect(first['p0']).toBeLessThanOrEqual(first['p50']!);
    expect(first['p50']).toBeLessThanOrEqual(first['p100']!);
  });

  it('norms: no rows without channel norms; CSV of rows quotes what needs it', () => {
    expect(normRows(model, 0, 1)).toEqual(model.norms ? expect.any(Array) : []);
    expect(
      rowsCsv([
        { a: 1, b: 'x,y' },
        { b: 'say "hi"', c: null },
      ]),
    ).toBe('a,b,c\n1,"x,y",\n,"say ""hi""",\n');
    // A key's controls (a user monitor's field name: a figure's data keeps it) as escapes, as the values are.
    expect(rowsCsv([{ 'dead\u202e': 'x\\u0007' }])).toBe('dead\\u202e\nx\\u0007\n');
  });
});

describe('the dashboard page', () => {
  const run = (id: string, modified: number, comparison?: string): DashboardRun => ({
    id,
    label: 'none',
    modified,
    penalty: 'none',
    epochs: 1,
    target: 1,
    layers: ['dense'],
    weights: ['dense/kernel'],
    ...(comparison ? { comparison } : {}),
  });
  const listed = [run('a', 1), run('cmp/x', 5, 'cmp'), run('cmp/y', 3, 'cmp'), run('other/z', 2)];

  it('chooses the runs asked for, else the newest comparison, else the newest run', () => {
    expect(defaultSelection(listed, ['a', 'missing', 'other/z'])).toEqual(['a', 'other/z']);
    expect(defaultSelection(listed, [])).toEqual(['cmp/x', 'cmp/y']);
    expect(defaultSelection([run('a', 1), run('b', 2)], [])).toEqual(['b']);
    expect(defaultSelection([], [])).toEqual([]);
  });

  it('asks for each run as run=ID, read back whole (commas too); reads runs=a,b of older links', () => {
    const q = new URLSearchParams();
    askRuns(q, ['l1,strong', 'cmp/a b', 'none']);
    expect(q.toString()).toBe('run=l1%2Cstrong&run=cmp%2Fa+b&run=none');
    expect(runIdsOf(new URLSearchParams(q.toString()))).toEqual(['l1,strong', 'cmp/a b', 'none']);
    expect(runIdsOf(new URLSearchParams('runs=a,,other/z&run=l1,strong&run='))).toEqual(['a', 'other/z', 'l1,strong']);
    expect(runIdsOf(new URLSearchParams('epoch=3'))).toEqual([]);
  });

  it('names the runs an address asks for that are not served, each once, with one hint for each runs= value split into them', () => {
    const served = [{ id: 'l1' }, { id: 'l1,strong' }];
    expect(unservedNote(new URLSearchParams('run=l1%2Cstrong&runs=l1&epoch=3'), served)).toBe('');
    expect(unservedNote(new URLSearchParams('run=gone&run=gone'), served)).toBe('the address asks for a run not served here: "gone"');
    const hint = (v: string) =>
      `; runs=${v} is split at its commas, and a run's name may hold one: ask for each run whole, one run=ID each (run=${encodeURIComponent(v)} is the run ${JSON.stringify(v)})`;
    expect(unservedNote(new URLSearchParams('runs=a,b,l1&run=c&runs=l1,d'), served)).toBe(
      `the address asks for runs not served here: "a", "b", "c", "d"${hint('a,b,l1')}${hint('l1,d')}`,
    );
  });

  it('groups runs by comparison or folder, and lists every layer and weight once', () => {
    expect(runGroups(listed, 'runs').map(([g, rs]) => [g, rs.map((r) => r.id)])).toEqual([
      ['runs (served folder)', ['a']],
      ['cmp', ['cmp/x', 'cmp/y']],
      ['other', ['other/z']],
    ]);
    expect(layerNames(listed)).toEqual(['all', 'kernels', 'biases', 'dense', 'dense/kernel']);
  });
});

describe('the bundled scripts', () => {
  it('are one browser script each, with none of the library’s Node-side code', async () => {
    const report = await reportHtml(runs, { vegaScript: '' });
    for (const script of [report, DASHBOARD_SCRIPT]) {
      expect(script).not.toMatch(/\brequire\(|from ['"]node:|z\.object|vega-lite/);
    }
    expect(DASHBOARD_SCRIPT).toMatch(/^"use strict";\n\(\(\) => \{/);
    expect(report).toContain('function binRows(h)');
  });
});

describe('newView (penalty-explorer/viz)', () => {
  it('draws with the Vega it is handed (no global vega), fitted to its container outside a card, on the figure’s renderer or the one asked', () => {
    // What of the browser newView reaches for a view outside a card: the window's resize listener, a ResizeObserver.
    vi.stubGlobal('addEventListener', () => undefined);
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe() {}
        unobserve() {}
      },
    );
    try {
      const made: unknown[] = [];
      const signals = new Map<string, unknown>();
      class View {
        constructor(runtime: unknown, options: unknown) {
          made.push([runtime, options]);
        }
        signal(name: string, value?: unknown) {
          if (value === undefined) return signals.get(name);
          signals.set(name, value);
          return this;
        }
        finalize() {}
      }
      const vega = { View, parse: (spec: unknown) => ({ parsed: spec }) } as unknown as PageVega;
      const container = { clientWidth: 333, closest: () => null } as unknown as HTMLElement;
      const spec = { signals: [{ name: WRAP_WIDTH, value: 600 }], usermeta: { renderer: 'canvas' } };
      expect((globalThis as { vega?: unknown }).vega).toBeUndefined();
      const view = newView(spec, container, { vega });
      expect(made).toEqual([[{ parsed: spec }, { renderer: 'canvas', container, hover: true }]]);
      expect(signals.get(WRAP_WIDTH)).toBe(333);
      finalizeView(newView(spec, container, { vega, renderer: 'svg' }));
      expect(made[1]).toEqual([{ parsed: spec }, { renderer: 'svg', container, hover: true }]);
      finalizeView(view);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
