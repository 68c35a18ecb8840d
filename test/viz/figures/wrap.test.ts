/**
 * Wrapped panels after compiling: every wrapped figure (heatmaps, ridgeline, bands, the training
 * curves) compiles to the Vega names columnsFollowWidth rewrites — a Vega-Lite that compiles them
 * differently fails here, naming what changed — and its columns then follow WRAP_WIDTH in a Vega
 * view, as a page sets it (the layout drawn in more or fewer rows), and so do a facet's panel height
 * and the subtitles (a one-run figure's by the width itself); the curves' panel titles of a row stand
 * at one height, their plots evenly apart, and their log axes have few ticks with short labels. The
 * norm curves (a panel per layer, each with its own axes) wrap too.
 */
import type { Spec } from 'vega';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/run.ts';
import {
  bandsSpec,
  columnsFollowWidth,
  curvesSpec,
  heatmapSpec,
  missingWrapParts,
  normCurvesSpec,
  ridgelineSpec,
  toVega,
  WRAP_WIDTH,
} from '../../../src/viz/figures/index.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';
import { plain } from './spec-helpers.ts';

const seven: RunRecord[] = Array.from({ length: 7 }, (_, i) => makeRunRecord({ epochs: 2, penalty: `l1:${i + 1}e-4`, seed: i + 1 }));
const WRAPPED = {
  heatmap: () => heatmapSpec(seven),
  ridgeline: () => ridgelineSpec(seven),
  bands: () => bandsSpec(seven),
  curves: () => curvesSpec(seven),
};

/** The SVG's height, y axes and the wrap_columns of `spec` drawn with WRAP_WIDTH `width` (its width here is the title's, as Vega estimates text without the font). */
async function drawnAt(spec: Spec, width: number): Promise<{ columns: number; height: number; yAxes: number }> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    view.signal(WRAP_WIDTH, width);
    const svg = await view.toSVG();
    const [, height] = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg) ?? [];
    return { columns: view.signal('wrap_columns') as number, height: Number(height), yAxes: svg.match(/aria-label="Y-axis/g)?.length ?? 0 };
  } finally {
    view.finalize();
  }
}

/** A view of `spec` drawn with WRAP_WIDTH `width`; finalized after `read`. */
async function viewAt<T>(spec: Spec, width: number, read: (view: vega.View) => T): Promise<T> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    view.signal(WRAP_WIDTH, width);
    await view.runAsync();
    return read(view);
  } finally {
    view.finalize();
  }
}

type Item = { x?: number; y?: number; text?: unknown; items?: Mark[] };
type Mark = { marktype?: string; role?: string; items?: Item[] };

/** The y axes of a drawn figure, in drawing order: each one's title, tick labels and grid lines (a chart's grid is drawn as an axis of its own, before the one labelled). */
function yAxes(view: vega.View): Array<{ title: string; labels: string[]; grid: number }> {
  const found: Array<{ title: string; labels: string[]; grid: number }> = [];
  let grid = 0;
  const texts = (axis: Item, role: string) => (axis.items ?? []).filter((m) => m.role === role).flatMap((m) => (m.items ?? []).map((i) => String(i.text)));
  const walk = (mark: Mark): void => {
    for (const it of mark.items ?? []) {
      if (mark.role === 'axis' && (it as { orient?: string }).orient === 'left') {
        const lines = (it.items ?? []).filter((m) => m.role === 'axis-grid').reduce((n, m) => n + (m.items?.length ?? 0), 0);
        const [title] = texts(it, 'axis-title');
        if (title === undefined) grid = lines;
        else found.push({ title, labels: texts(it, 'axis-label'), grid });
      }
      if (mark.marktype === 'group') for (const m of it.items ?? []) walk(m);
    }
  };
  walk((view.scenegraph() as unknown as { root: Mark }).root);
  return found;
}

/** The texts a drawn figure shows as titles or marks (not axes' or legends'), each with its anchor's position in the view. */
function titleTexts(view: vega.View): Array<{ text: string; x: number; y: number }> {
  const found: Array<{ text: string; x: number; y: number }> = [];
  const walk = (mark: Mark, x: number, y: number): void => {
    for (const it of mark.items ?? []) {
      const [ix, iy] = [x + (it.x ?? 0), y + (it.y ?? 0)];
      if (mark.marktype === 'text' && (mark.role === 'mark' || mark.role === 'title-text')) found.push({ text: String(it.text), x: ix, y: iy });
      if (mark.marktype === 'group') for (const m of it.items ?? []) walk(m, ix, iy);
    }
  };
  walk((view.scenegraph() as unknown as { root: Mark }).root, 0, 0);
  return found;
}

describe('wrapped figures, compiled', () => {
  it("compile to Vega-Lite's layout.columns and, for a facet, facet_domain / facet_domain_row, which columnsFollowWidth rewrites", async () => {
    for (const [name, figure] of Object.entries(WRAPPED)) {
      const compiled = compile(figure()).spec;
      // Empty, or what Vega-Lite no longer writes, by name: columnsFollowWidth (figures/wrap.ts) must follow it.
      expect(missingWrapParts(compiled), name).toEqual([]);
      const vg = plain(await toVega(figure()));
      expect(vg.layout.columns, name).toEqual({ signal: 'wrap_columns' });
      if (name !== 'curves') {
        const rows = vg.data.find((d: { name: string }) => d.name === 'facet_domain_row');
        expect(rows.transform[0].stop, name).toEqual({ signal: 'ceil(length(data("facet_domain")) / wrap_columns)' });
      }
    }
  });

  it('name the part a Vega-Lite compiling differently left out, and leave such a spec as compiled', () => {
    const compiled = compile(ridgelineSpec(seven)).spec;
    const renamed = { ...compiled, data: compiled.data?.map((d) => (d.name === 'facet_domain_row' ? { ...d, name: 'facet_rows' } : d)) } as Spec;
    expect(missingWrapParts(renamed)).toEqual(['data "facet_domain_row" with a sequence transform, the facet\'s count of rows (Vega-Lite wrote none)']);
    expect(columnsFollowWidth(renamed)).toBe(renamed);
    const noColumns = { ...compile(curvesSpec(seven)).spec, layout: { padding: 20 } } as Spec;
    expect(missingWrapParts(noColumns)).toEqual(['layout.columns, a number (Vega-Lite wrote undefined)']);
    expect(columnsFollowWidth(noColumns)).toBe(noColumns);
    // A figure that does not wrap needs none of them.
    const single = compile(curvesSpec(seven.slice(0, 1))).spec;
    expect(missingWrapParts({ ...single, signals: [] })).toEqual([]);
  });

  it('follow WRAP_WIDTH in a Vega view: the ridgeline of 7 runs in rows of 3 at 720 px, 4 and 3 at 1400; the curves 2 by 2, all 4 in a row (from 1 300 px), one a row', async () => {
    const ridge = await toVega(ridgelineSpec(seven));
    const [at720, at1400] = [await drawnAt(ridge, 720), await drawnAt(ridge, 1400)];
    expect([at720.columns, at1400.columns]).toEqual([3, 4]);
    // Two rows, not three, each with its y axis (the facet's count of rows follows the columns).
    expect([at720.yAxes, at1400.yAxes]).toEqual([3, 2]);
    expect(at1400.height).toBeLessThan(at720.height * 0.8);
    const curves = await toVega(curvesSpec(seven.slice(0, 2)));
    const [two, four, one] = [await drawnAt(curves, 720), await drawnAt(curves, 1300), await drawnAt(curves, 600)];
    expect([two.columns, four.columns, one.columns]).toEqual([2, 4, 1]);
    expect(four.height).toBeLessThan(two.height);
    expect(one.height).toBeGreaterThan(two.height);
  });

  it("draw a facet's panels as high as they are in one row where the page's width holds them all, lower where they wrap (the file's 720 px decided both)", async () => {
    const four = Array.from({ length: 4 }, (_, i) => makeRunRecord({ epochs: 20, penalty: `l2:${i + 1}e-4`, seed: i + 1 }));
    const height = (spec: Spec, width: number) => viewAt(spec, width, (view) => [view.signal('wrap_columns'), view.signal('child_height')]);
    const spec = await toVega(ridgelineSpec(four));
    // Rows of 2 in a file, 240 px high; all 4 in a row at 1 400 px, as high as one row draws them (14 · (19 + 3) px; it stayed 240).
    expect([await height(spec, 720), await height(spec, 1400)]).toEqual([
      [2, 240],
      [4, 322],
    ]);
  });

  it("give the curves 4 columns in the report's card of 1 322 px (they needed 1 404)", async () => {
    const spec = await toVega(curvesSpec(seven.slice(0, 2)));
    expect(await viewAt(spec, 1322, (view) => view.signal('wrap_columns'))).toBe(4);
  });

  it("break the curves' subtitle into shorter lines in one column", async () => {
    const two = seven.slice(0, 2);
    const spec = await toVega(curvesSpec(two));
    const lines = plain(curvesSpec(two)).title.subtitle as string[];
    // Two columns or more: the file's lines; one: none longer than 38 characters (the subtitle had made the one-column chart ~560 px wide).
    expect(await viewAt(spec, 720, (view) => view.signal('wrap_subtitle'))).toEqual(lines);
    const narrow = (await viewAt(spec, 400, (view) => view.signal('wrap_subtitle'))) as string[];
    expect(Math.max(...narrow.map((l) => l.length))).toBeLessThanOrEqual(38);
    expect(narrow.join(' ')).toBe(lines.join(' '));
  });

  it("break the heatmaps', ridgeline's and bands' subtitle to the width of a row of fewer panels than a file's", async () => {
    for (const [name, figure] of Object.entries(WRAPPED).filter(([n]) => n !== 'curves')) {
      const spec = await toVega(figure());
      const lines = plain(figure()).title.subtitle as string[];
      // A file's 3 columns of 190 px: its lines as given (the one line is wider than 2 columns, 460 px with the y axis).
      expect(await viewAt(spec, 720, (view) => view.signal('wrap_subtitle')), name).toEqual(lines);
      expect(Math.max(...lines.map((l) => l.length)), name).toBeGreaterThan(61);
      // 2 columns (a card of 500 px): lines of at most (60 + 2 · 190 + 20) / 7.5 = 61 characters; 1 column: (60 + 190) / 7.5 = 33.
      for (const [width, chars] of [
        [500, 61],
        [300, 33],
      ] as const) {
        const broken = (await viewAt(spec, width, (view) => view.signal('wrap_subtitle'))) as string[];
        expect(Math.max(...broken.map((l) => l.length)), `${name} at ${width}`).toBeLessThanOrEqual(chars);
        expect(broken.join(' '), `${name} at ${width}`).toBe(lines.join(' '));
      }
    }
  });

  it("break a one-run heatmap's, ridgeline's and bands' subtitle to the page's width (one panel: no count of columns to break it by)", async () => {
    const one = seven.slice(0, 1);
    for (const figure of [heatmapSpec, ridgelineSpec, bandsSpec]) {
      const spec = await toVega(figure(one));
      const lines = plain(figure(one)).title.subtitle as string[];
      // A file's 720 px: its lines as given (the longest 100–115 characters, ~700 px: it had stayed so in a 474-px card).
      expect(await viewAt(spec, 720, (view) => view.signal('wrap_subtitle')), figure.name).toEqual(lines);
      // A card of 474 px (a 500-px window): lines of at most (474 − 24) / 7.5 = 60 characters; of 300 px, the panel's
      // row's (60 + 260) / 7.5 = 42 (a card narrower than the panel scrolls it anyway).
      for (const [width, chars] of [
        [474, 60],
        [300, 42],
      ] as const) {
        const broken = (await viewAt(spec, width, (view) => view.signal('wrap_subtitle'))) as string[];
        expect(Math.max(...broken.map((l) => l.length)), `${figure.name} at ${width}`).toBeLessThanOrEqual(chars);
        expect(broken.length, `${figure.name} at ${width}`).toBeGreaterThan(lines.length);
        expect(broken.join(' '), `${figure.name} at ${width}`).toBe(lines.join(' '));
      }
    }
  });

  it("wrap the norm curves' layers to the width: a file's one row of 4 as before, 2 a row at 720 px, 1 at 400 (one row of 894 px had scrolled in a 420-px window)", async () => {
    const runs = seven.slice(0, 3);
    const figure = normCurvesSpec(runs, { width: 165, height: 120 });
    // Panels with their own axes: no row headers or axis footers, only layout.columns to follow the width.
    expect(missingWrapParts(compile(figure).spec)).toEqual([]);
    expect(plain(figure).columns).toBe(4);
    const spec = await toVega(figure);
    expect(plain(spec).layout.columns).toEqual({ signal: 'wrap_columns' });
    const drawn = (width: number) =>
      viewAt(spec, width, (view) => ({ columns: view.signal('wrap_columns') as number, subtitle: view.signal('wrap_subtitle') as string[] }));
    const lines = plain(figure).title.subtitle as string[];
    // A row of c panels: 24 + c · (165 + 45 + 20) − 20 px; 1 154 px (the report's card at 1 400 px) holds all 4 and the subtitle as given.
    const [wide, mid, narrow] = [await drawn(1154), await drawn(720), await drawn(400)];
    expect([wide.columns, mid.columns, narrow.columns]).toEqual([4, 2, 1]);
    expect(wide.subtitle).toEqual(lines);
    // At 400 px: lines of at most (400 − 24) / 7.5 = 50 characters.
    expect(Math.max(...narrow.subtitle.map((l) => l.length))).toBeLessThanOrEqual(50);
    expect(narrow.subtitle.join(' ')).toBe(lines.join(' '));
  });

  it("stand the curves' panel titles of a row at one height (each chart's top axis label had lowered its title)", async () => {
    const spec = await toVega(curvesSpec(seven.slice(0, 2)));
    for (const width of [720, 1322]) {
      // A panel's title (a text mark now, the chart's title before), the figure's title left out.
      const titles = (await viewAt(spec, width, titleTexts)).filter((t) => t.text !== 'Training curves');
      expect(titles.map((t) => t.text).sort(), `${width}`).toEqual(['penalty term', 'test accuracy', 'test loss', 'train loss']);
      // Rows: the titles' heights, each once (2 by 2 at 720 px, one row at 1 322).
      expect(new Set(titles.map((t) => t.y)).size, `${width}: ${JSON.stringify(titles)}`).toBe(width === 720 ? 2 : 1);
    }
  });

  it("stand the curves' plots of a row evenly apart, whatever the widths of their y axes' labels", async () => {
    const spec = await toVega(curvesSpec(seven.slice(0, 2)));
    // A panel's title stands at its plot's left edge. Each axis had taken its own labels' width (`0.1`, `98.0%`):
    // the plots of a row stood unevenly apart.
    const lefts = (await viewAt(spec, 1322, titleTexts))
      .filter((t) => t.text !== 'Training curves')
      .map((t) => t.x)
      .sort((a, b) => a - b);
    const gaps = lefts.slice(1).map((x, i) => x - (lefts[i] as number));
    expect(gaps).toHaveLength(3);
    expect(Math.max(...gaps) - Math.min(...gaps), JSON.stringify(gaps)).toBeLessThan(1);
  });

  it("shorten the curves' legend labels too long for it in their middle: two runs' names that differ only at the end stay apart", async () => {
    const named = (i: number) => {
      const r = seven[i] as RunRecord;
      return { ...r, config: { ...r.config, penalty: 'l1:1e-4', name: `a_run_with_a_rather_long_name_that_differs_only_at_its_end_number_${i + 1}` } };
    };
    const labels = (view: vega.View) => {
      const found: string[] = [];
      const walk = (mark: Mark): void => {
        for (const it of mark.items ?? []) {
          if (mark.role === 'legend-label') found.push(String(it.text));
          if (mark.marktype === 'group') for (const m of it.items ?? []) walk(m);
        }
      };
      walk((view.scenegraph() as unknown as { root: Mark }).root);
      return found;
    };
    const drawn = await viewAt(await toVega(curvesSpec([named(0), named(1)])), 1322, labels);
    // Each label at most 48 characters (~310 px of the 320 Vega cuts it at: the labels were 77, cut at their end to the same text).
    expect(drawn).toHaveLength(2);
    for (const label of drawn) {
      expect(label.length, label).toBeLessThanOrEqual(48);
      expect(label).toContain('…');
    }
    expect(drawn[0]).not.toBe(drawn[1]);
    expect(drawn.map((l) => l.slice(-3))).toEqual(['_1)', '_2)']);
  });

  it("fit the curves' log axis to data spanning less than a decade: a flat penalty of 10.2 mid-panel, not on a 10–100 panel's bottom edge", () => {
    const first = seven[0] as RunRecord;
    const run = { ...first, initial: { ...first.initial, penaltyLoss: 10.2 }, epochs: first.epochs.map((e, i) => ({ ...e, penaltyLoss: 10.2 + 0.01 * i })) };
    const panel = plain(curvesSpec([run])).concat.find((p: { encoding: { y: { title: string } } }) => p.encoding.y.title === 'penalty term');
    const { domain, type } = panel.encoding.y.scale as { domain: [number, number]; type: string };
    const values = panel.encoding.y.axis.values as number[];
    expect(type).toBe('log');
    // Where 10.2 sits up the panel (0: bottom edge, 1: top); it was 0.009 on 10–100.
    const up = (Math.log(10.2) - Math.log(domain[0])) / (Math.log(domain[1]) - Math.log(domain[0]));
    expect(up, JSON.stringify(domain)).toBeGreaterThan(0.3);
    expect(up).toBeLessThan(0.7);
    expect(values.length, JSON.stringify(values)).toBeGreaterThanOrEqual(3);
    expect(values.length).toBeLessThanOrEqual(5);
    // Each tick within the domain, of one significant digit (a label of at most 5 characters, as LOG_LABEL writes it).
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(domain[0]);
      expect(v).toBeLessThanOrEqual(domain[1]);
      expect(Number(v.toPrecision(1))).toBe(v);
    }
  });

  it("give the curves' log axes ticks at whole decades, at most 5, with short labels (a train loss from 300 down to 3e-8)", async () => {
    const first = seven[0] as RunRecord;
    const run = { ...first, epochs: first.epochs.map((e, i) => ({ ...e, trainLoss: 300 * 10 ** (-10 * i) })) };
    const axes = await viewAt(await toVega(curvesSpec([run])), 1322, yAxes);
    expect(axes.map((a) => a.title)).toEqual(['train loss', 'test loss', 'penalty term', 'test accuracy']);
    const train = axes[0] as { labels: string[]; grid: number };
    // Decades 1e-8 … 1000 every 3rd (Vega's own: `0.00000001`, `0.000001`, … in full, 11 powers).
    expect(train.labels).toEqual(['1e-8', '1e-5', '0.01', '10']);
    for (const a of axes.slice(0, 3)) {
      expect(a.labels.length, a.title).toBeLessThanOrEqual(5);
      expect(a.grid, a.title).toBe(a.labels.length);
      for (const label of a.labels) expect(label.length, `${a.title}: ${label}`).toBeLessThanOrEqual(5);
    }
  });
});
