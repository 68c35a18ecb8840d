/**
 * A record's strings (run names, penalties and their formulas, layer and weight names, a constraint,
 * a monitor's title and keys, a penalty curve's spec) holding bidirectional and other control
 * characters reach every figure's spec as escapes (`\u202e`, through `shownSpec`): no string of any
 * spec the figures return — data values, keys, titles, labels, domains, header expressions — holds
 * one raw, nor does the SVG Vega draws from it, so a browser's Vega (report.html, the dashboard, the
 * playground) shows what the files show. Names are the exception: a user monitor's field named with
 * controls stays so in the data and in the view's fields, which still name it, and the chart draws.
 */
import { parse, View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { JsonValue, PrunePoint, RunRecord } from '../../../src/formats/run.ts';
import * as viz from '../../../src/viz/index.ts';
import { viewCsv } from '../../../src/viz/report/csv.ts';
import { pageOverlaySpec } from '../../../src/viz/report/views-specs.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

/** A control or bidirectional character, as `visibleControls` escapes it (the line end stays). */
const HIDDEN = /[^\P{Cc}\n]|\p{Bidi_Control}/u;
const NAME = 'l1\u202egnp.exe\u0007';
const PENALTY = 'l1:1e-4\u2067x\u2069';
const LAYERS = ['conv2d_1', 'dense\u202e_1\u0007'];
const LAYER = LAYERS[1] as string;

function point(level: number, layer: string): PrunePoint {
  return {
    level,
    testLoss: 0.1,
    testAcc: 0.9 - level / 200,
    zeros: level / 100,
    layers: [{ name: `${layer}/kernel`, zeros: level / 100 }],
    size: { dense: 4096, sparse: 4096 - 20 * level, ratio: 1 },
  };
}

/** A record whose every string a user sets holds controls: name, penalty (and weights'), formula, layers, constraint, a monitor, a prune curve. */
function hostileRun(seed: number): RunRecord {
  const run = makeRunRecord({ epochs: 2, seed, layers: LAYERS, batchNorms: 3, constraintBounds: { max: 2, axis: 0 }, constraint: 'maxnorm:2\u0085' });
  const weights = run.config.weights.map((w) => (w.penalty ? { ...w, penalty: { ...w.penalty, spec: PENALTY, formula: 'λ·Σ\u202e|w|' } } : w));
  const section: JsonValue = { [`key\u202e${seed}`]: 1, plain: 2 };
  const prune = { weights: 4096, global: [point(0, LAYER), point(50, LAYER)], perLayer: [point(0, LAYER), point(50, LAYER)], seconds: 1 };
  return {
    ...run,
    config: {
      ...run.config,
      name: `${NAME}${seed}`,
      penalty: PENALTY,
      penaltyFormula: 'λ·Σ\u202e|w|',
      weights,
      monitors: [
        {
          name: 'spy\u202e',
          view: {
            title: `spy\u202e${seed}`,
            spec: { mark: 'point', encoding: { x: { field: 'epoch', type: 'quantitative' }, color: { field: 'key', type: 'nominal' } } },
          },
        },
      ],
    },
    initial: { ...run.initial, monitors: { 'spy\u202e': section } },
    epochs: run.epochs.map((e, i) => ({ ...e, monitors: { 'spy\u202e': section }, ...(i === run.epochs.length - 1 ? { prune } : {}) })),
  };
}

const runs = [hostileRun(1), hostileRun(2)];
const curves = [{ spec: PENALTY, formula: 'λ·Σ\u202e|w|', points: [-1, 0, 1].map((w) => ({ w, value: 1e-4 * Math.abs(w), slope: 1e-4 * Math.sign(w) })) }];

/** Every figure the viz entry exports (each `…Spec` and `emptyFigure`), and the report's own specs, on the hostile records. */
const FIGURES: Record<string, () => TopLevelSpec> = {
  accuracySpec: () => viz.accuracySpec(runs),
  bandsSpec: () => viz.bandsSpec(runs, { layer: LAYER }),
  compareHistogramsSpec: () => viz.compareHistogramsSpec(runs),
  compareNormsGridSpec: () => viz.compareNormsGridSpec(runs),
  curvesSpec: () => viz.curvesSpec(runs),
  emptyFigure: () => viz.emptyFigure(`Monitor ${NAME}`, `no run has '${NAME}'`),
  epochHistogramSpec: () => viz.epochHistogramSpec(runs[0] as RunRecord, 1),
  heatmapSpec: () => viz.heatmapSpec(runs, { layer: LAYER }),
  histogramGridSpec: () => viz.histogramGridSpec(runs[0] as RunRecord),
  layerHistogramSpec: () => viz.layerHistogramSpec(runs[0] as RunRecord, 1),
  logAbsSpec: () => viz.logAbsSpec(runs, { layer: LAYER }),
  monitorViewSpec: () => viz.monitorViewSpec(runs, 'spy\u202e'),
  normCurvesSpec: () => viz.normCurvesSpec(runs),
  normsGridSpec: () => viz.normsGridSpec(runs[0] as RunRecord),
  overlaySpec: () => viz.overlaySpec(runs, { layer: LAYER, penalties: curves }),
  pageHistogramSpec: () => viz.pageHistogramSpec('log', [-1, 1], { width: 300, height: 200 }),
  pageNormsSpec: () => viz.pageNormsSpec(viz.pageModel(runs).norms as viz.NormsModel, { width: 120, height: 80 }),
  pageOverlaySpec: () => pageOverlaySpec(runs, 'linear', [-1, 1]),
  penaltyShapesSpec: () => viz.penaltyShapesSpec(curves, { missing: [PENALTY] }),
  projectedSpec: () => viz.projectedSpec(runs),
  pruneCurveSpec: () => viz.pruneCurveSpec(runs),
  ridgelineSpec: () => viz.ridgelineSpec(runs, { layer: LAYER }),
  sparsitySpec: () => viz.sparsitySpec(runs),
  sweepSpec: () => viz.sweepSpec(runs, 'accuracy'),
};

/** Every string in `value`, keys too, with where it is. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((x, i) => strings(x, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, x]) => [[`${at}.${k} (key)`, k] as [string, string], ...strings(x, `${at}.${k}`)]);
}

describe('figures of a record whose strings hold control characters', () => {
  it('cover every figure the viz entry exports', () => {
    const exported = Object.entries(viz)
      .filter(([name, f]) => typeof f === 'function' && (/Spec$/.test(name) || name === 'emptyFigure') && name !== 'shownSpec')
      .map(([name]) => name);
    expect(Object.keys(FIGURES).filter((n) => n !== 'pageOverlaySpec')).toEqual(exported.sort());
  });

  it.each(Object.keys(FIGURES))('%s: no string of its spec holds a raw control; the SVG Vega draws from it neither', async (name) => {
    const spec = (FIGURES[name] as () => TopLevelSpec)();
    const raw = strings(spec).filter(([, s]) => HIDDEN.test(s));
    expect(raw.map(([at, s]) => `${at}: ${JSON.stringify(s)}`)).toEqual([]);
    const svg = await new View(parse(await viz.toVega(spec)), { renderer: 'none' }).toSVG();
    expect([...svg].filter((c) => HIDDEN.test(c)).map((c) => c.charCodeAt(0).toString(16))).toEqual([]);
  });

  it('shows the escapes where the names were: legends, facet headers, titles and data alike', async () => {
    const svgOf = async (spec: TopLevelSpec) => new View(parse(await viz.toVega(spec)), { renderer: 'none' }).toSVG();
    // Legend (a run's label is its penalty) and the subtitle's layer.
    const overlay = await svgOf(viz.overlaySpec(runs, { layer: LAYER }));
    expect(overlay).toContain('l1:1e-4\\u2067x\\u2069 (l1\\u202egnp.exe\\u00071)');
    expect(overlay).toContain('dense\\u202e_1\\u0007');
    // Facet headers, quoted into a Vega expression: the escape shown, not read back as the character.
    const heatmap = await svgOf(viz.heatmapSpec(runs, { layer: LAYER }));
    expect(heatmap).toContain('l1:1e-4\\u2067x\\u2069 (l1\\u202egnp.exe\\u00072)');
    const rows = (viz.accuracySpec(runs) as { data: { values: Array<{ run: string }> } }).data.values;
    expect(new Set(rows.map((r) => r.run))).toEqual(
      new Set(['l1:1e-4\\u2067x\\u2069 (l1\\u202egnp.exe\\u00071)', 'l1:1e-4\\u2067x\\u2069 (l1\\u202egnp.exe\\u00072)']),
    );
  });

  it('the report page model’s run labels as the specs show them, so the rows the page sets match their colours', () => {
    const model = viz.pageModel(runs);
    const accuracy = viz.accuracySpec(runs) as { encoding: { color: { scale: { domain: string[] } } } };
    for (const run of model.runs) expect(run.label).not.toMatch(HIDDEN);
    expect(model.runs.map((r) => r.label)).toEqual(accuracy.encoding.color.scale.domain);
    // The page looks layers up by their exact names.
    expect(model.layers).toContain(LAYER);
  });

  it('shownSpec leaves a spec without controls as it is (the same objects)', () => {
    const spec = viz.accuracySpec([makeRunRecord({ epochs: 2 })]);
    expect(viz.shownSpec(spec)).toBe(spec);
    expect(viz.shownSpec({ a: [1, 'x\u202e'], b: { c: 'd' } })).toEqual({ a: [1, 'x\\u202e'], b: { c: 'd' } });
  });
});

/**
 * A user monitor's section whose fields' names hold controls, a dot or brackets, and a view that
 * refers to them (a dot and brackets written as Vega-Lite's field syntax wants, `\\.`, `\\[`).
 */
const DEAD = 'dead\u0007';
const SHARE = 'share.of[0]\u202e';
const SHARE_FIELD = 'share\\.of\\[0\\]\u202e';

function fieldsRun(seed: number): RunRecord {
  const run = makeRunRecord({ epochs: 2, seed });
  const section: JsonValue = [
    { [DEAD]: 0.25, [SHARE]: 0.5, layer: 'dense\u202e' },
    { [DEAD]: 0.75, [SHARE]: 1, layer: 'out' },
  ];
  const spec: JsonValue = {
    transform: [{ calculate: `datum['${DEAD}'] * 2`, as: `twice\u2066` }],
    layer: [
      {
        mark: 'point',
        encoding: {
          x: { field: 'epoch', type: 'quantitative' },
          y: { field: DEAD, type: 'quantitative' },
          color: { field: 'layer', type: 'nominal' },
          tooltip: [{ field: DEAD }, { field: SHARE_FIELD }, { field: `twice\u2066` }],
        },
      },
      {
        mark: 'text',
        encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: SHARE_FIELD, type: 'quantitative' }, text: { field: `twice\u2066` } },
      },
    ],
  };
  return {
    ...run,
    config: { ...run.config, name: `fields${seed}`, monitors: [{ name: 'fields', view: { title: 'fields', spec: spec as { [key: string]: JsonValue } } }] },
    initial: { ...run.initial, monitors: { fields: section } },
    epochs: run.epochs.map((e) => ({ ...e, monitors: { fields: section } })),
  };
}

describe('a user monitor whose fields’ names hold control characters, a dot or brackets', () => {
  const runs = [fieldsRun(1)];
  const rows = 2 * (runs[0] as RunRecord).epochs.length + 2;

  it('keeps the names as the view refers to them, and escapes what the chart shows of them', () => {
    const spec = viz.monitorViewSpec(runs, 'fields') as unknown as {
      data: { values: Array<Record<string, unknown>> };
      layer: Array<{ encoding: Record<string, { field?: string; title?: string; axis?: { title?: string } } | Array<{ title?: string }>> }>;
    };
    expect(Object.keys(spec.data.values[0] ?? {})).toEqual(expect.arrayContaining([DEAD, SHARE]));
    expect(spec.data.values.map((r) => r['layer'])).toContain('dense\\u202e');
    const y = spec.layer[0]?.encoding['y'] as { field: string; title: string; axis: { title: string } };
    expect(y.field).toBe(DEAD);
    // The axis shows the escape; the tooltip and the marks' descriptions read the title as an expression's string.
    expect(y.axis.title).toBe('dead\\u0007');
    expect(y.title).toBe('dead\\\\u0007');
    // Only names keep a control: data keys, fields, and the calculation's output and its expression.
    const raw = strings(spec).filter(([, s]) => HIDDEN.test(s));
    expect(raw.filter(([at]) => !/\.values\[\d+\]\..* \(key\)$|\.field$|\.as$|\.calculate$/.test(at))).toEqual([]);
  });

  it('draws every row from those fields, its texts showing the escapes', async () => {
    const svg = await new View(parse(await viz.toVega(viz.monitorViewSpec(runs, 'fields'))), { renderer: 'none' }).toSVG();
    expect([...svg].filter((c) => HIDDEN.test(c)).map((c) => c.charCodeAt(0).toString(16))).toEqual([]);
    // One point per row, at its value (the y scale spans the fields' values, not NaN), described with the escapes.
    expect(svg.match(/aria-roledescription="point"/g)?.length).toBe(rows);
    expect(svg).toContain("Y-axis titled 'dead\\u0007, share\\.of\\[0\\]\\u202e' for a linear scale with values from 0.0 to 1.0");
    expect(svg).toContain('aria-label="epoch: 0; dead\\u0007: 0.25; layer: dense\\u202e; share.of[0]\\u202e: 0.5; twice\\u2066: 0.5"');
    // The text marks: the calculated field, at the dotted field's values.
    const texts = [...svg.matchAll(/aria-roledescription="text mark"[^>]*transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>([^<]*)</g)];
    expect(texts.map((t) => t[3])).toEqual(Array.from({ length: rows }, (_, i) => (i % 2 ? '1.5' : '0.5')));
    expect(new Set(texts.map((t) => t[2])).size).toBe(2);
    // The legend's labels are the data's values, escaped.
    expect(svg).toContain('>dense\\u202e</text>');
  });

  it('its CSV (the dashboard’s) heads the columns with the names’ escapes', () => {
    const csv = viewCsv(viz.monitorViewSpec(runs, 'fields'));
    expect(csv.split('\n')[0]).toBe('dead\\u0007,share.of[0]\\u202e,layer,run,epoch');
    expect(csv).not.toMatch(HIDDEN);
  });
});

describe('shownSpec on names', () => {
  it('keeps data keys and the names that refer to them; escapes values, titles and other text', () => {
    const spec = viz.shownSpec({
      datasets: { 'rows\u0007': [{ 'a\u0007': 'v\u0007' }] },
      data: { name: 'rows\u0007', format: { parse: { 'a\u0007': 'number' } } },
      transform: [
        { fold: ['a\u0007'], as: ['k\u0007', 'v\u0007'] },
        { pivot: 'k\u0007', value: 'v\u0007', groupby: ['g\u0007'] },
        { filter: { field: 'a\u0007', equal: 'v\u0007' } },
      ],
      encoding: { text: { value: 'shown\u0007' }, color: { field: 'a\u0007', legend: null }, row: { field: 'r\u0007', title: 'R\u202e' } },
    });
    expect(spec).toEqual({
      datasets: { 'rows\\u0007': [{ 'a\u0007': 'v\\u0007' }] },
      data: { name: 'rows\\u0007', format: { parse: { 'a\u0007': 'number' } } },
      transform: [
        { fold: ['a\u0007'], as: ['k\u0007', 'v\u0007'] },
        { pivot: 'k\u0007', value: 'v\u0007', groupby: ['g\u0007'] },
        { filter: { field: 'a\u0007', equal: 'v\\u0007' } },
      ],
      encoding: {
        text: { value: 'shown\\u0007' },
        // No legend to title; the title, quoted into expressions (tooltips, descriptions), with its backslash doubled.
        color: { field: 'a\u0007', legend: null, title: 'a\\\\u0007' },
        row: { field: 'r\u0007', title: 'R\\\\u202e', header: { title: 'R\\u202e' } },
      },
    });
  });
});
