/**
 * The dashboard page's script (bundled at build time into DASHBOARD_SCRIPT; Vega's own script
 * runs first):
 *
 *   /api/runs ─► the run list (checkboxes, grouped by comparison folder; all text set as text, a
 *   record's control and bidirectional characters shown as escapes: text.ts)
 *   choice of runs and controls ─► /api/view/ID?run=…&run=…&epoch=…&layer=…  ─► one Vega view per card
 *   /api/events `runs` (a run.json changed) ─► the list reloaded ─► the cards redrawn; the epoch
 *   slider follows the newest epoch while it sits at the last one
 *   /api/events lost (the server stopped) ─► the status line says so (NOT_LIVE), not `live` ─► once it
 *   answers again, the list reloaded and the cards redrawn
 *
 * First choice of runs (once there are any: a served folder that did not exist yet says `waiting for a run in …`
 * until one appears): those the page's address asks for (`?run=a&run=b`, each id whole, commas and
 * all; or `?runs=a,b`: runIdsOf), else the newest comparison (or run). Those it asks for that are not
 * served are named under the status line (`#unserved`: unservedNote), each time the run list loads.
 * The served folder's own name is the page's `document.body.dataset.served` (its runs' group).
 * The status line names the epoch the slider shows: `drawing…` while its redraw waits or is under way,
 * `live` once the cards show it. After each redraw `document.body.dataset.drawn` counts up (tests wait for it). A card's PNG or
 * SVG pressed while a redraw is waiting (the epoch slider's 120 ms pause) or under way waits for
 * the newest one: the image is the choice the controls show (its CSV is asked of the server with
 * that choice).
 */
import type { Spec } from 'vega';
import { askRuns, runIdsOf, splitRunsHint } from '../figures/index.ts';
import { addDownloads } from './downloads.ts';
import { pageView } from './page-vega.ts';
import { keepClearOf } from './sticky.ts';
import { layerText, visibleControls } from './text.ts';
import { finalizeView, type View } from './vega.ts';

/** A run as /api/runs lists it (serve/runs-index.ts's RunEntry). */
export interface DashboardRun {
  readonly id: string;
  /** How the report of its folder's runs names it (`runLabels`, given by the server). */
  readonly label: string;
  readonly comparison?: string;
  readonly penalty: string;
  readonly name?: string;
  readonly epochs: number;
  readonly target: number;
  readonly stopped?: boolean;
  readonly endedEarly?: boolean;
  readonly modified: number;
  readonly layers: string[];
  readonly weights: string[];
}

/** A view as /api/runs lists it. */
export interface DashboardView {
  readonly id: string;
  readonly title: string;
  readonly perEpoch: boolean;
}

interface State {
  runs: DashboardRun[];
  views: DashboardView[];
  selected: string[];
  epoch: number;
  follow: boolean;
  layer: string;
  scale: string;
  color: string;
  bins: string;
  range: string;
  smoothing: string;
}

/** The runs chosen first: those `asked` for (that exist), else the newest comparison's runs, or the newest run. */
export function defaultSelection(runs: readonly DashboardRun[], asked: readonly string[]): string[] {
  if (asked.length) return asked.filter((id) => runs.some((r) => r.id === id));
  const newest = [...runs].sort((a, b) => b.modified - a.modified)[0];
  if (!newest) return [];
  return newest.comparison ? runs.filter((r) => r.comparison === newest.comparison).map((r) => r.id) : [newest.id];
}

/**
 * What the page's address (`q`) asks for that is not among `runs`, as the page's note says it, or '' when it
 * names no such run: the ids missing, and for a `runs=` value split at its commas into one of them, how to ask
 * for the run whole (splitRunsHint). The page shows it with control and bidirectional characters as escapes.
 *
 * @example
 * unservedNote(new URLSearchParams('runs=l1,gone'), runs)   // runs: l1 only
 * // 'the address asks for a run not served here: "gone"; runs=l1,gone is split at its commas, … (run=l1%2Cgone is the run "l1,gone")'
 */
export function unservedNote(q: URLSearchParams, runs: readonly Pick<DashboardRun, 'id'>[]): string {
  const missing = [...new Set(runIdsOf(q))].filter((id) => !runs.some((r) => r.id === id));
  if (!missing.length) return '';
  const hints = new Set(missing.map((id) => splitRunsHint(q, id)));
  const names = missing.map((id) => JSON.stringify(id)).join(', ');
  return `the address asks for ${missing.length === 1 ? 'a run' : 'runs'} not served here: ${names}${[...hints].join('')}`;
}

/**
 * How far a run got, as the run list shows it: `3/10` (under way or interrupted), `3/10 stopped`
 * (diverged or refused), `3/10 ended early` (a callback ended training), `10/10`.
 */
export function epochsText(r: Pick<DashboardRun, 'epochs' | 'target' | 'stopped' | 'endedEarly'>): string {
  return `${r.epochs}/${r.target}${r.stopped ? ' stopped' : r.endedEarly ? ' ended early' : ''}`;
}

/**
 * The runs grouped by comparison folder (or parent folder, its path under the served folder),
 * groups in order of first appearance; the runs directly in the served folder (or the served
 * folder itself, a run) under the served folder's own name, `served`.
 *
 * @example
 * runGroups(runs, 'runs')   // [['runs (served folder)', [a]], ['cmp', [cmp/x, cmp/y]]] for ids a, cmp/x, cmp/y
 */
export function runGroups(runs: readonly DashboardRun[], served: string): Array<[string, DashboardRun[]]> {
  const groups = new Map<string, DashboardRun[]>();
  for (const r of runs) {
    const g = r.comparison || (r.id.includes('/') ? r.id.slice(0, r.id.lastIndexOf('/')) : served ? `${served} (served folder)` : 'served folder');
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  return [...groups];
}

/**
 * A run as the run list names it: its label, as the report of its folder's runs names it (the
 * server's `runLabels`), and in its title its folder under the served folder (its name when it is
 * the served folder itself); a record's control
 * and bidirectional characters as escapes.
 *
 * @example
 * runText({ id: 'cmp/l1\u202egnp', label: 'l1:1e-4' })   // { text: 'l1:1e-4', title: 'cmp/l1\\u202egnp' }
 */
export function runText(r: Pick<DashboardRun, 'id' | 'label' | 'name'>): { text: string; title: string } {
  return { text: visibleControls(r.label), title: visibleControls(r.id || (r.name ?? '')) };
}

/** The layer menu: all, kernels, biases, then every layer and weight of the chosen runs. */
export function layerNames(runs: readonly DashboardRun[]): string[] {
  const names = ['all', 'kernels', 'biases'];
  for (const r of runs) for (const n of [...r.layers, ...r.weights]) if (!names.includes(n)) names.push(n);
  return names;
}

function main(): void {
  const state: State = {
    runs: [],
    views: [],
    selected: [],
    epoch: 0,
    follow: true,
    layer: 'all',
    scale: 'linear',
    color: 'log',
    bins: '',
    range: '',
    smoothing: '0.6',
  };
  const cards: Record<string, { el: HTMLElement; chart: HTMLElement; view: View | null }> = {};
  let drawn = 0;
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let first = true;
  /** Whether the server stopped answering (/api/events lost): the status line says so until it answers again. */
  let lost = false;
  /** While the served folder holds no run yet (it did not exist when the server started): what the server says of it. */
  let waiting: string | undefined;
  /** The newest redraw (drawAll), and the epoch slider's redraw waiting for its pause (later), if one is. */
  let drawing: Promise<void> = Promise.resolve();
  let pending: (() => void) | undefined;
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

  const status = (text: string, error?: boolean) => {
    const el = $('status');
    el.textContent = visibleControls(text);
    el.className = error ? 'error' : '';
  };

  const getJson = async <T>(url: string): Promise<T> => {
    const r = await fetch(url, { cache: 'no-store' });
    const body = (await r.json()) as T & { error?: string };
    if (!r.ok) throw new Error(body?.error ? body.error : r.statusText);
    return body;
  };

  const chosen = () => state.runs.filter((r) => state.selected.includes(r.id));

  /**
   * The status line of the runs chosen at `epoch`: `drawing…` from the moment a control changes
   * (the slider's redraw waits 120 ms, then the views are fetched and drawn), `live` once the cards
   * show that epoch — never an epoch other than the slider's (it lagged the slider by the redraw).
   */
  const runsStatus = (epoch: number, drawn: boolean) => {
    if (lost) return;
    const runs = chosen();
    status(`${runs.length} run${runs.length === 1 ? '' : 's'} · epoch ${epoch} · ${drawn ? 'live' : 'drawing…'}`);
  };

  /** The run.json files that are not valid records, and folders not looked into: named, with why, so no run is silently missing. */
  const skippedList = (skipped: ReadonlyArray<{ id: string; reason: string; path?: string }>) => {
    const box = $('skipped');
    box.textContent = '';
    box.hidden = skipped.length === 0;
    if (!skipped.length) return;
    const head = document.createElement('p');
    head.textContent = 'Skipped:';
    box.appendChild(head);
    const list = document.createElement('ul');
    for (const s of skipped) {
      const item = document.createElement('li');
      const id = document.createElement('code');
      id.textContent = visibleControls(s.path ?? `${s.id}/run.json`);
      item.appendChild(id);
      item.appendChild(document.createTextNode(` — ${visibleControls(s.reason)}`));
      list.appendChild(item);
    }
    box.appendChild(list);
  };

  const runList = () => {
    const list = $('run-list');
    list.textContent = '';
    for (const [g, runs] of runGroups(state.runs, document.body.dataset['served'] ?? '')) {
      const fs = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = visibleControls(g);
      fs.appendChild(legend);
      for (const r of runs) {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.value = r.id;
        box.checked = state.selected.includes(r.id);
        box.addEventListener('change', () => {
          state.selected = state.runs.filter((x) => (x.id === r.id ? box.checked : state.selected.includes(x.id))).map((x) => x.id);
          controls();
          void drawAll(false);
        });
        const text = document.createElement('span');
        text.className = 'run';
        const shown = runText(r);
        text.textContent = shown.text;
        text.title = shown.title;
        const epochs = document.createElement('span');
        epochs.className = 'epochs';
        epochs.setAttribute('data-run', r.id);
        epochs.textContent = epochsText(r);
        label.appendChild(box);
        label.appendChild(text);
        label.appendChild(epochs);
        fs.appendChild(label);
      }
      list.appendChild(fs);
    }
  };

  const controls = () => {
    const runs = chosen();
    const max = runs.reduce((m, r) => Math.max(m, r.epochs), 0);
    const slider = $<HTMLInputElement>('epoch');
    slider.max = String(max);
    if (state.follow || state.epoch > max) state.epoch = max;
    slider.value = String(state.epoch);
    $('epoch-value').textContent = String(state.epoch);
    const select = $<HTMLSelectElement>('layer');
    const names = layerNames(runs);
    const keep = names.includes(state.layer) ? state.layer : 'all';
    select.textContent = '';
    for (const n of names) {
      const o = document.createElement('option');
      o.value = n;
      o.textContent = layerText(n);
      select.appendChild(o);
    }
    select.value = state.layer = keep;
  };

  const query = (view: DashboardView) => {
    const q = new URLSearchParams();
    askRuns(q, state.selected);
    if (view.perEpoch) q.set('epoch', String(state.epoch));
    q.set('layer', state.layer);
    q.set('scale', state.scale);
    q.set('color', state.color);
    if (state.bins) q.set('bins', state.bins);
    if (state.range) q.set('range', state.range);
    if (state.smoothing !== '') q.set('smoothing', state.smoothing);
    return q.toString();
  };

  const card = (view: DashboardView) => {
    const known = cards[view.id];
    if (known) return known;
    const el = document.createElement('div');
    el.className = 'card';
    el.id = `view-${view.id}`;
    const head = document.createElement('div');
    head.className = 'card-head';
    const h = document.createElement('h2');
    h.textContent = visibleControls(view.title);
    const downloads = document.createElement('div');
    downloads.className = 'downloads';
    const chart = document.createElement('div');
    chart.className = 'chart';
    head.appendChild(h);
    head.appendChild(downloads);
    el.appendChild(head);
    el.appendChild(chart);
    $('views').appendChild(el);
    const c: { el: HTMLElement; chart: HTMLElement; view: View | null } = { el, chart, view: null };
    addDownloads(
      downloads,
      view.id,
      () => settled().then(() => c.view),
      () => ({ url: `/api/csv/${view.id}?${query(view)}` }),
    );
    cards[view.id] = c;
    return c;
  };

  const draw = async (view: DashboardView, gen: number) => {
    const c = card(view);
    try {
      const spec = await getJson<Spec>(`/api/view/${view.id}?${query(view)}`);
      if (gen !== generation) return;
      finalizeView(c.view);
      c.chart.textContent = '';
      c.view = pageView(spec, c.chart);
      await c.view.runAsync();
    } catch (error) {
      if (gen !== generation) return;
      // No chart left to download: the card shows the error, not the older choice.
      finalizeView(c.view);
      c.view = null;
      c.chart.textContent = '';
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = visibleControls(String((error as Error)?.message || error));
      c.chart.appendChild(p);
    }
  };

  /** Redraws the cards (only the per-epoch ones when `onlyPerEpoch`) for the current choice; `drawing` is its promise. */
  const drawAll = (onlyPerEpoch: boolean): Promise<void> => {
    clearTimeout(timer);
    pending = undefined;
    drawing = drawCards(onlyPerEpoch);
    return drawing;
  };

  /** Once the cards show the controls' choice: a waiting redraw made now, then the newest redraw done. */
  const settled = async (): Promise<void> => {
    pending?.();
    let newest: Promise<void>;
    do {
      newest = drawing;
      await newest;
    } while (newest !== drawing);
  };

  const drawCards = async (onlyPerEpoch: boolean) => {
    const gen = ++generation;
    if (!state.selected.length) {
      // No run: no chart of one left standing (the cards come back with the next run chosen).
      for (const [id, c] of Object.entries(cards)) {
        finalizeView(c.view);
        c.el.remove();
        delete cards[id];
      }
      status(waiting ?? 'no run chosen');
      return;
    }
    // The epoch these cards are drawn at: the slider may move while they are.
    const epoch = state.epoch;
    runsStatus(epoch, false);
    const views = state.views.filter((v) => !onlyPerEpoch || v.perEpoch);
    await Promise.all(views.map((v) => draw(v, gen)));
    if (gen !== generation) return;
    // A redraw waiting for the slider's pause: the line says it is drawing, at the slider's epoch.
    if (!pending) runsStatus(epoch, true);
    document.body.dataset['drawn'] = String(++drawn);
  };

  const loadRuns = async () => {
    const body = await getJson<{ runs: DashboardRun[]; views: DashboardView[]; skipped?: Array<{ id: string; reason: string }>; waiting?: string }>(
      '/api/runs',
    );
    waiting = body.waiting;
    state.runs = body.runs;
    state.views = body.views;
    skippedList(body.skipped ?? []);
    const note = unservedNote(new URLSearchParams(location.search), state.runs);
    $('unserved').textContent = visibleControls(note);
    $('unserved').hidden = note === '';
    // Chosen once there are runs: a folder waited for shows its first run as it appears.
    if (first && state.runs.length) {
      state.selected = defaultSelection(state.runs, runIdsOf(new URLSearchParams(location.search)));
      first = false;
    }
    state.selected = state.selected.filter((id) => state.runs.some((r) => r.id === id));
    runList();
    controls();
  };

  const later = (onlyPerEpoch: boolean) => {
    clearTimeout(timer);
    const go = () => void drawAll(onlyPerEpoch);
    pending = go;
    timer = setTimeout(go, 120);
  };

  $('epoch').addEventListener('input', () => {
    state.epoch = Number($<HTMLInputElement>('epoch').value);
    state.follow = state.epoch === Number($<HTMLInputElement>('epoch').max);
    $('epoch-value').textContent = String(state.epoch);
    if (state.selected.length) runsStatus(state.epoch, false);
    later(true);
  });
  $('layer').addEventListener('change', () => {
    state.layer = $<HTMLSelectElement>('layer').value;
    void drawAll(false);
  });
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="scale"], input[name="color"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      if (radio.name === 'scale') state.scale = radio.value;
      else state.color = radio.value;
      void drawAll(false);
    });
  }
  for (const id of ['bins', 'range', 'smoothing'] as const) {
    $(id).addEventListener('change', () => {
      state[id] = $<HTMLInputElement>(id).value.trim();
      void drawAll(false);
    });
  }

  const reload = () =>
    loadRuns()
      .then(() => drawAll(false))
      .catch((error: unknown) => status(String((error as Error)?.message || error), true));
  void reload();
  const events = new EventSource('/api/events');
  events.addEventListener('runs', () => void reload());
  // The server stopped (Ctrl-C) or is unreachable: said, not `live`; once it answers again, what changed meanwhile is loaded.
  events.addEventListener('error', () => {
    lost = true;
    status(NOT_LIVE, true);
  });
  events.addEventListener('open', () => {
    if (!lost) return;
    lost = false;
    void reload();
  });
}

/** The status line while the page's server does not answer (the page tries again every 2 s). */
export const NOT_LIVE = 'not live: the server does not answer (stopped?); the views are as of its last answer; trying again';

// In the page (not when Node imports this module to test its functions).
// What the page scrolls to stops below its sticky controls (sticky.ts).
if (typeof document !== 'undefined' && document.getElementById('run-list')) {
  keepClearOf(document.getElementById('controls'));
  main();
}
