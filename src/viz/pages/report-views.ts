/**
 * The report's views beyond the histogram, in the page:
 *
 *   build(model, specs)   one Vega view per chart of ViewsSpecs, download buttons on every chart
 *   redraw(state)         the data of the views for the selected epoch, layer and scale: overlay and
 *                         log10|w| every time; heatmaps, ridgeline and bands when the layer (or the
 *                         scale, for the ridges) changed
 *   downloads(id, name, getView, dataName)   PNG/SVG/CSV buttons for another chart (each drawing
 *                         the chart first if its draw still waits: a file shows the choice made)
 *
 * The rows (exported, pure, tested in Node) are the figures' rows (figures/overlay.ts, heatmap.ts,
 * ridgeline.ts, log-abs.ts, bands.ts), built from the page model's 100-bin histograms, log10|w|
 * shares and percentiles with the figures' own functions.
 */
import { BAND_FIELDS, binRows, ridgeHeight, rowsCsv, stepRows, ZERO_GAP } from '../figures/index.ts';
import type { PageModel, ViewsSpecs } from '../report/index.ts';
import { addDownloads } from './downloads.ts';
import { pageView } from './page-vega.ts';
import { layerText } from './text.ts';
import { drawNow, finalizeView, runSoon, type View } from './vega.ts';

/** What the controls select. */
export interface PageState {
  readonly epoch: number;
  readonly layer: string;
  readonly scale: 'linear' | 'log';
}

type Row = Record<string, unknown>;

function hist(model: PageModel, run: number, layer: string, epoch: number) {
  return model.runs[run]?.hist[layer]?.[epoch] ?? null;
}

function logCell(model: PageModel, run: number, layer: string, epoch: number) {
  return model.views.runs[run]?.logAbs[layer]?.[epoch] ?? null;
}

const epochsOf = (model: PageModel) => Array.from({ length: model.lastEpoch + 1 }, (_, e) => e);

/** The overlay: every run's step line at the selected epoch and layer. */
export function overlayRows(model: PageModel, s: PageState): Row[] {
  return model.runs.flatMap((run, i) => {
    const h = hist(model, i, s.layer, s.epoch);
    return h ? stepRows(h).map((r) => ({ run: run.label, x: r.x, density: r.density })) : [];
  });
}

/** log10|w| at the selected epoch and layer: a step line per run, and the share of zeros. */
export function logRows(model: PageModel, s: PageState): Row[] {
  const g = model.views.logAbs;
  if (!g) return [];
  return model.runs.flatMap((run, i) => {
    const c = logCell(model, i, s.layer, s.epoch);
    if (!c) return [];
    return [
      ...c.shares.map((share, k) => ({ kind: 'bin', run: run.label, x: g.decades[0] + k / g.perDecade, share })),
      { kind: 'bin', run: run.label, x: g.decades[1], share: c.shares.at(-1) },
      { kind: 'zero', run: run.label, share: c.zero },
    ];
  });
}

/** The heatmap over epochs: each occupied bin's share, per run (column) and epoch. */
export function heatRows(model: PageModel, s: PageState): Row[] {
  return model.runs.flatMap((_run, col) =>
    epochsOf(model).flatMap((epoch) => {
      const h = hist(model, col, s.layer, epoch);
      if (!h) return [];
      const width = (h.hi - h.lo) / h.density.length;
      return binRows(h)
        .filter((b) => b.density > 0)
        .map((b) => ({ col, epoch, x0: b.x0, x1: b.x1, share: b.density * width }));
    }),
  );
}

/** The log10|w| heatmap: each occupied bin's share, and the zeros' column left of the axis. */
export function heatLogRows(model: PageModel, s: PageState): Row[] {
  const g = model.views.logAbs;
  if (!g) return [];
  return model.runs.flatMap((_run, col) =>
    epochsOf(model).flatMap((epoch) => {
      const c = logCell(model, col, s.layer, epoch);
      if (!c) return [];
      const bins = c.shares.flatMap((share, k) =>
        share > 0 ? [{ col, epoch, x0: g.decades[0] + k / g.perDecade, x1: g.decades[0] + (k + 1) / g.perDecade, share }] : [],
      );
      return c.zero > 0 ? [...bins, { col, epoch, x0: g.decades[0] - ZERO_GAP, x1: g.decades[0] - 0.2, share: c.zero }] : bins;
    }),
  );
}

/** The ridgeline: every epoch's step line offset by its height (the layer's shared density axis at the top). */
export function ridgeRows(model: PageModel, s: PageState): Row[] {
  const height = ridgeHeight(Math.max(1e-12, model.axes[s.layer]?.ymax ?? 0), s.scale);
  return model.runs.flatMap((_run, col) =>
    epochsOf(model).flatMap((epoch) => {
      const h = hist(model, col, s.layer, epoch);
      return h ? stepRows(h).map((r) => ({ col, epoch, x: r.x, density: r.density, base: epoch, ridge: epoch - height(r.density) })) : [];
    }),
  );
}

/** The percentile bands over epochs. */
export function bandRows(model: PageModel, s: PageState): Row[] {
  return model.runs.flatMap((run, col) =>
    (model.views.runs[col]?.percentiles[s.layer] ?? []).flatMap((p, epoch) =>
      p ? [{ col, run: run.label, epoch, ...Object.fromEntries(BAND_FIELDS.map((n, k) => [n, p[k]])) }] : [],
    ),
  );
}

/** The views of the report's `#views` section, built once, redrawn as the controls change. */
export function reportViews() {
  let model: PageModel;
  let specs: ViewsSpecs;
  const views: Record<string, View | null> = {};
  let last: { layer?: string; scale?: string } = {};

  const view = (id: string, spec: ViewsSpecs[keyof ViewsSpecs] | undefined): View | null => {
    const el = document.getElementById(id);
    if (!el || !spec || Array.isArray(spec)) return null;
    el.textContent = '';
    return pageView(spec as Parameters<typeof pageView>[0], el);
  };

  const downloads = (id: string, name: string, getView: () => View | null | undefined, dataName: string | null) => {
    const box = document.getElementById(`dl-${id}`);
    if (!box) return;
    // The chart drawn first if its draw still waits (a choice just made): its files are the choice the controls show.
    const drawn = async () => {
      const v = getView();
      return v ? drawNow(v) : v;
    };
    addDownloads(box, name, drawn, async () => {
      const v = await drawn();
      let rows: Row[] = [];
      try {
        rows = v ? (v.data(dataName ?? 'source_0') as Row[]) : [];
      } catch {
        rows = [];
      }
      return { text: rowsCsv(rows.map((r) => ({ ...r }))) };
    });
  };

  const build = (m: PageModel, s: ViewsSpecs) => {
    model = m;
    specs = s;
    views['heat'] = view('view-heatmap', specs.heatmap);
    views['heatlog'] = view('view-heatmap-log', specs.heatmapLog);
    views['ridge'] = view('view-ridgeline', specs.ridgeline);
    views['bands'] = view('view-bands', specs.bands);
    views['logabs'] = view('view-log-abs', specs.logAbs);
    views['curves'] = view('view-curves', specs.curves);
    views['penalty'] = view('view-penalty', specs.penalty);
    const charts: Array<[string, string | null]> = [
      ['heatmap', 'heat'],
      ['heatmap-log', 'heatlog'],
      ['ridgeline', 'ridge'],
      ['bands', 'bands'],
      ['log-abs', 'logabs'],
      ['curves', null],
      ['penalty', null],
    ];
    for (const [id, data] of charts) downloads(`view-${id}`, id, () => views[data ?? id], data);
    downloads('view-overlay', 'overlay', () => views['overlay'], 'overlay');
    for (const id of ['curves', 'penalty']) {
      const v = views[id];
      if (v) void runSoon(v);
    }
    for (const m of specs.monitors) {
      const el = document.getElementById(`view-${m.id}`);
      views[m.id] = el ? pageView(m.spec, el) : null;
      downloads(`view-${m.id}`, m.id, () => views[m.id], null);
      const v = views[m.id];
      if (v) void runSoon(v);
    }
  };

  const redraw = (s: PageState): Promise<unknown> => {
    const jobs: Array<Promise<unknown>> = [];
    if (last.scale !== s.scale || !views['overlay']) {
      finalizeView(views['overlay']);
      views['overlay'] = view('view-overlay', specs.overlay[s.scale]);
    }
    const axis = model.axes[s.layer];
    const overlay = views['overlay'];
    if (overlay && axis) {
      jobs.push(
        runSoon(overlay, () => {
          overlay.signal('ymax', axis.ymax).signal('symc', axis.symc).signal('yticks', axis.yticks);
          overlay.data('overlay', overlayRows(model, s));
        }),
      );
    }
    // The rows made in the view's own draw (runSoon's prepare), for the choice `s` of this redraw.
    const set = (key: string, data: string, rows: (m: PageModel, s: PageState) => Row[]) => {
      const v = views[key];
      if (v) jobs.push(runSoon(v, () => v.data(data, rows(model, s))));
    };
    set('logabs', 'logabs', logRows);
    if (last.layer !== s.layer) {
      set('heat', 'heat', heatRows);
      set('heatlog', 'heatlog', heatLogRows);
      set('bands', 'bands', bandRows);
    }
    if (last.layer !== s.layer || last.scale !== s.scale) set('ridge', 'ridge', ridgeRows);
    for (const el of document.querySelectorAll('.view-layer')) el.textContent = layerText(s.layer);
    for (const el of document.querySelectorAll('.view-epoch')) el.textContent = String(s.epoch);
    last = { layer: s.layer, scale: s.scale };
    return Promise.all(jobs);
  };

  return { build, redraw, downloads };
}
