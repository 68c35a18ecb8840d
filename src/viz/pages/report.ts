/**
 * The report page's script (bundled at build time into REPORT_SCRIPT; run after Vega's own
 * script). It keeps one Vega view per run for the histogram and, when the epoch, layer or scale
 * changes, sets the view's `bins` data and axis signals (rebuilding the views only to switch
 * linear/log), updates the titles and moves the highlighted row of `#numbers`. With channel norms,
 * it also keeps one view per run for the norm histograms (`#norms-I`, data `norms` set for the
 * selected epoch) and updates `#norms` (its `data-epoch`, `.norms-title` and its `.full-names`, highlighted projected
 * rows). The views beyond the histogram are report-views.ts's, redrawn with the same state, and
 * every chart gets PNG/SVG/CSV buttons (downloads.ts). Charts on screen are drawn at once, the
 * others after the page has painted, ~50 ms of drawing a task (vega.ts, runSoon), a newer choice
 * replacing a draw not yet made. Once every chart shows the newest choice, it sets
 * `document.body.dataset.drawn` to a counter (one more per redraw, or fewer when choices come
 * faster than the drawing), so tests can wait for it. What the page scrolls to stops below its sticky
 * controls (sticky.ts).
 *
 *   #penx-model, #penx-specs (packed JSON: src/viz/packed) ─► unpacked ─► views ─► controls (epoch, scale, layer) ─► redraw
 */
import type { Spec } from 'vega';
import { binRows } from '../figures/index.ts';
import { PACKED_JSON_TYPE, unpackJson } from '../packed/index.ts';
import type { PageModel, ReportSpecs } from '../report/index.ts';
import { addDownloads } from './downloads.ts';
import { pageView } from './page-vega.ts';
import { type PageState, reportViews } from './report-views.ts';
import { keepClearOf } from './sticky.ts';
import { finalizeView, runSoon, type View, whenDrawn } from './vega.ts';

/** The rows of run `i`'s norm histograms at `epoch`: bars, bound rules and notes per layer column. */
export function normRows(model: PageModel, i: number, epoch: number): Array<Record<string, unknown>> {
  const run = model.runs[i];
  const cells = run?.norms[epoch];
  if (!run || !cells || !model.norms) return [];
  const { xMax, bins } = model.norms;
  return cells.flatMap((cell, col) => {
    if (!cell) return [];
    const width = (xMax[col] as number) / bins;
    return [
      ...cell.shares.map((share, bin) => ({ col, kind: 'bar', bin, x0: bin * width, x1: (bin + 1) * width, share })),
      ...(run.bounds[col] ?? []).map((b) => ({ col, kind: 'bound', bound: b.bound, boundLabel: b.label })),
      ...(cell.note ? [{ col, kind: 'note', note: cell.note }] : []),
    ];
  });
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T | null;
const json = <T>(id: string): T => JSON.parse(byId(id)?.textContent ?? 'null') as T;
/** An embedded value: plain JSON or packed (`packJson`: the page model and specs). */
const embedded = async <T>(id: string): Promise<T> =>
  byId(id)?.getAttribute('type') === PACKED_JSON_TYPE ? unpackJson<T>(byId(id)?.textContent ?? '') : json<T>(id);

function main(model: PageModel, specs: ReportSpecs): void {
  const extra = reportViews();
  let state: PageState = { epoch: model.lastEpoch, scale: 'linear', layer: 'all' };
  let views: View[] = [];
  let normViews: Array<View | null> = [];
  let viewScale: string | null = null;
  let drawn = 0;
  /** The redraws asked for so far (the newest is the one `data-drawn` waits for). */
  let asked = 0;

  const buildViews = () => {
    for (const v of views) finalizeView(v);
    views = model.runs.map((_run, i) => {
      const el = byId(`hist-${i}`) as HTMLElement;
      el.textContent = '';
      return pageView(specs.histogram[state.scale], el);
    });
    viewScale = state.scale;
  };

  const buildNormViews = () => {
    if (!specs.norms || !model.norms) return;
    const spec = specs.norms;
    normViews = model.runs.map((_run, i) => {
      const el = byId(`norms-${i}`);
      return el ? pageView(spec, el) : null;
    });
    normViews.forEach((_v, i) => extra.downloads(`norms-${i}`, `norms-${i}`, () => normViews[i], 'norms'));
  };

  const updateText = () => {
    // Each run's title as epoch-NNN.png writes it: lines (pre-line), the outputs it shortens named in full below.
    const titles = model.runs.map((run) => run.titles[state.epoch]?.lines.join('\n') ?? '');
    const title = byId('title');
    if (title) title.textContent = model.runs.length === 1 ? (titles[0] ?? '') : `epoch=${state.epoch}`;
    document.querySelectorAll('.run-title').forEach((el, i) => {
      el.textContent = titles[i] ?? '';
    });
    for (const el of document.querySelectorAll('.full-names'))
      el.textContent = model.runs[Number(el.getAttribute('data-run'))]?.titles[state.epoch]?.fullNames.join('\n') ?? '';
    const value = byId('epoch-value');
    if (value) value.textContent = String(state.epoch);
    for (const tr of document.querySelectorAll('#numbers tr[data-epoch], #norms tr[data-epoch]'))
      tr.classList.toggle('selected', Number(tr.getAttribute('data-epoch')) === state.epoch);
    byId('norms')?.setAttribute('data-epoch', String(state.epoch));
    for (const el of document.querySelectorAll('.norms-title')) el.textContent = titles[Number(el.getAttribute('data-run'))] ?? '';
  };

  const redraw = () => {
    if (viewScale !== state.scale) buildViews();
    const s = state;
    const gen = ++asked;
    const axis = model.axes[s.layer];
    // Each view's rows are made in its own draw (runSoon's prepare), not here: the change's own task stays short.
    const jobs: Array<Promise<unknown>> = views.map((view, i) =>
      runSoon(view, () => {
        const h = model.runs[i]?.hist[s.layer]?.[s.epoch];
        if (axis) view.signal('ymax', axis.ymax).signal('symc', axis.symc).signal('yticks', axis.yticks);
        view.data('bins', h ? binRows(h) : []);
      }),
    );
    // resize(): the facet's size follows the data (no columns where the run lacks the epoch).
    normViews.forEach((view, i) => {
      if (view) jobs.push(runSoon(view, () => view.data('norms', normRows(model, i, s.epoch)).resize()));
    });
    jobs.push(extra.redraw(s));
    updateText();
    // Drawn: every view of this choice, and of any choice before it (whenDrawn), and no newer choice asked.
    return Promise.all(jobs)
      .then(whenDrawn)
      .then(() => {
        if (gen === asked) document.body.dataset['drawn'] = String(++drawn);
      })
      .catch((error: unknown) => console.error(error));
  };

  const staticChart = (id: string, spec: Spec) => {
    const el = byId(id);
    if (!el) return;
    const view = pageView(spec, el);
    extra.downloads(id, id, () => view, 'source_0');
    runSoon(view).catch((error: unknown) => console.error(error));
  };

  const slider = byId<HTMLInputElement>('epoch') as HTMLInputElement;
  const onEpoch = () => {
    const epoch = Number(slider.value);
    if (epoch !== state.epoch) {
      state = { ...state, epoch };
      void redraw();
    }
  };
  slider.addEventListener('input', onEpoch);
  slider.addEventListener('change', onEpoch);
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="scale"]')) {
    radio.addEventListener('change', () => {
      if (radio.checked && radio.value !== state.scale) {
        state = { ...state, scale: radio.value === 'log' ? 'log' : 'linear' };
        void redraw();
      }
    });
  }
  const layer = byId<HTMLSelectElement>('layer') as HTMLSelectElement;
  layer.addEventListener('change', () => {
    if (layer.value !== state.layer) {
      state = { ...state, layer: layer.value };
      void redraw();
    }
  });

  const checked = document.querySelector<HTMLInputElement>('input[name="scale"]:checked');
  state = { epoch: Number(slider.value), scale: checked?.value === 'log' ? 'log' : 'linear', layer: layer.value };
  staticChart('sparsity', specs.sparsity);
  staticChart('accuracy', specs.accuracy);
  if (specs.normCurves && byId('norm-curves')) staticChart('norm-curves', specs.normCurves);
  buildNormViews();
  model.runs.forEach((_run, i) => extra.downloads(`hist-${i}`, `histogram-${i + 1}`, () => views[i], 'bins'));
  const numbers = byId('dl-numbers');
  if (numbers) addDownloads(numbers, 'numbers', null, () => ({ text: json<string>('penx-numbers-csv') }));
  extra.build(model, specs.views);
  void redraw();
}

// In the page (not when Node imports this module to test its rows).
if (typeof document !== 'undefined' && document.getElementById('penx-model')) {
  // Before the charts: an anchor the page opens at (report.html#norms) stops below the sticky controls too.
  keepClearOf(byId('controls'));
  Promise.all([embedded<PageModel>('penx-model'), embedded<ReportSpecs>('penx-specs')])
    .then(([model, specs]) => main(model, specs))
    .catch((error: unknown) => console.error(error));
}
