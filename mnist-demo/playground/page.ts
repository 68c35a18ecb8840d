/**
 * The playground page (main thread): the controls, one training worker per run, the live views,
 * kept runs and exports.
 *
 *   load ─► a worker (the next run's) lists the registry's penalties, constraints, optimisers
 *        ─► controls set from the URL ─► autostart=1: Start (a link's code: the user's Start)
 *   Start ─► settings read from the controls (URL updated) ─► the worker trains ─► records and live
 *            weights drawn (views.ts) ─► done: `document.title` ends with "— done" (autostarted runs; "— failed" when one is refused, fails or no worker starts)
 *   Pause/Resume (once training began) ─► the worker waits between batches (its 'paused' once the batch under way is done) · Reset ─► the worker is terminated, a new one waits
 *   Keep this run ─► its record joins the views beside the next runs · run.json ─► the record as a file
 *   a control changed while a run is under way ─► the URL holds it; the page says it applies to the next run
 */
import type { EpochRecord, RunRecord } from 'penalty-explorer';
import { visibleControls } from 'penalty-explorer/viz';
import { counted } from '../words.ts';
import { applyUrl, readSettings, urlOf } from './controls.ts';
import type { CatalogItem, Catalogs, FromWorker, RunSettings, ToWorker } from './protocol.ts';
import { keptRunText } from './run-text.ts';
import { clearViews, drawViews } from './views.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const TITLE = document.title;
/** What the views area says before any run. */
const placeholder = document.querySelector('#views .placeholder') as HTMLElement;

interface Current {
  readonly worker: Worker;
  record?: RunRecord;
  live?: EpochRecord;
  done: boolean;
  paused: boolean;
}

let next: Worker;
let current: Current | undefined;
let kept: RunRecord[] = [];
let runs = 0;
let autostarted = false;
let followLatest = true;
/** Where the epoch in progress was when its weights were last drawn. */
let liveAt = { batch: 0, batches: 0 };

function spawn(): Worker {
  return new Worker(new URL('worker.js', document.baseURI));
}

function send(w: Worker, m: ToWorker): void {
  w.postMessage(m);
}

function showError(text: string | undefined, where: 'page' | 'code' = 'page'): void {
  for (const [id, at] of [
    ['error', 'page'],
    ['code-error', 'code'],
  ] as const) {
    const el = $(id);
    el.hidden = !(text && where === at);
    el.textContent = text && where === at ? visibleControls(text) : '';
  }
}

/** The state while the code box's penalty is checked: what runs, and what to do when it never ends. */
const CHECKING = "checking your penalty's code on probe weights… (if this line stays, the code may never return, e.g. an endless loop: Reset stops it)";

/** Says, while a run is under way, that a changed control applies to the next run, not to it; hidden otherwise. */
function noteChange(changed: boolean): void {
  $('next-note').hidden = !(changed && current !== undefined && !current.done);
}

function setState(text: string): void {
  $('state').textContent = text;
}

function buttons(): void {
  const running = current !== undefined && !current.done;
  if (!running) noteChange(false);
  $<HTMLButtonElement>('start').disabled = running;
  // Pause waits between batches: none runs before the first record (while the code box's code is checked, say, which may never return).
  $<HTMLButtonElement>('pause').disabled = !running || !current?.record;
  $<HTMLButtonElement>('pause').textContent = current?.paused ? 'Resume' : 'Pause';
  $<HTMLButtonElement>('reset').disabled = current === undefined;
  $<HTMLButtonElement>('keep').disabled = !current?.record;
  $<HTMLButtonElement>('export').disabled = !current?.record;
}

/** The current run as the views show it: its record, with the epoch in progress after its last one. */
function shownRuns(): RunRecord[] {
  const now = current?.record ? [current.live ? { ...current.record, epochs: [...current.record.epochs, current.live] } : current.record] : [];
  return [...kept, ...now];
}

let drawing = false;
/** A redraw asked for while one runs: of every view (`all`), of the per-epoch ones, or none. */
let pending: 'all' | 'epoch' | undefined;
/** Draws the views again: every one (`all`: a new record), or those of one epoch (the epoch in progress, the slider). */
async function redraw(what: 'all' | 'epoch' = 'all'): Promise<void> {
  pending = pending === 'all' || what === 'all' ? 'all' : 'epoch';
  if (drawing) return;
  drawing = true;
  try {
    while (pending) {
      const perEpochOnly = pending === 'epoch';
      pending = undefined;
      const shown = shownRuns();
      if (!shown.length) continue;
      const slider = $<HTMLInputElement>('epoch');
      const last = Math.max(...shown.map((r) => r.epochs.length));
      slider.max = String(last);
      if (followLatest) slider.value = String(last);
      $('epoch-value').textContent = slider.value;
      const live = current?.live && Number(slider.value) === last ? liveAt : undefined;
      $('epoch-note').textContent = live ? `in progress: the weights after batch ${live.batch} of ${live.batches}` : '';
      await drawViews($('views'), shown, Number(slider.value), perEpochOnly);
    }
  } catch (err) {
    showError(`could not draw the views: ${(err as Error).message}`);
  } finally {
    drawing = false;
  }
}

function onMessage(run: Current, m: FromWorker): void {
  if (run !== current) return;
  switch (m.type) {
    case 'backend':
      $('backend-info').textContent =
        `backend: ${m.name}${m.threads > 1 ? `, ${m.threads} threads` : ''}${m.why ? `, one thread: ${m.why}` : ''}` +
        `${m.tried.length ? ` (passed over: ${m.tried.join('; ')})` : ''}`;
      break;
    case 'speed':
      $('speed').textContent = `${Math.round(m.imagesPerSecond).toLocaleString('en')} images/s`;
      $('progress').textContent = `epoch ${m.epoch}, batch ${m.batch}/${m.batches}`;
      break;
    case 'paused':
      // The batch under way when Pause was pressed has finished; nothing moves until Resume.
      if (run.paused) setState('paused');
      break;
    case 'live':
      run.live = m.epoch;
      liveAt = { batch: m.batch, batches: m.batches };
      // How many times the weights were drawn while an epoch ran (for tests and the curious).
      document.body.dataset.liveDraws = String(Number(document.body.dataset.liveDraws ?? 0) + 1);
      void redraw('epoch');
      break;
    case 'record':
      run.record = m.record;
      run.live = undefined;
      if (!run.paused) setState(m.record.epochs.length === 0 ? 'training…' : `training… epoch ${m.record.epochs.length} done`);
      buttons();
      void redraw();
      break;
    case 'done': {
      run.record = m.record;
      run.live = undefined;
      run.done = true;
      const last = m.record.epochs.at(-1);
      setState(`done: ${counted(m.record.epochs.length, 'epoch')}${last?.testAcc != null ? `, test accuracy ${(100 * last.testAcc).toFixed(1)} %` : ''}`);
      run.worker.terminate();
      buttons();
      void redraw().then(() => {
        if (autostarted) document.title = `${TITLE} — done`;
      });
      break;
    }
    case 'failed':
      run.done = true;
      if (m.record) run.record = m.record;
      run.worker.terminate();
      // Refused before training (its settings or penalty), or stopped by an error during it.
      setState(m.where === 'training' ? `stopped: failed${run.record ? ` after ${counted(run.record.epochs.length, 'epoch')}` : ''}` : 'not started: refused');
      showError(m.message, m.where === 'penalty' && $<HTMLSelectElement>('penalty').value === 'mine' ? 'code' : 'page');
      buttons();
      if (autostarted) document.title = `${TITLE} — failed`;
      break;
    case 'checking':
      // The code box's code runs in the worker now; one that never returns (an endless loop) leaves this line as it is.
      if (!run.paused) setState(CHECKING);
      break;
    case 'catalog':
      break;
  }
}

function start(): void {
  if (current && !current.done) return;
  showError(undefined);
  let settings: RunSettings;
  try {
    settings = readSettings(`run ${runs + 1}`);
  } catch (err) {
    showError((err as Error).message);
    setState('not started: refused');
    if (autostarted) document.title = `${TITLE} — failed`;
    return;
  }
  runs++;
  history.replaceState(null, '', `?${urlOf()}`);
  const run: Current = { worker: next, done: false, paused: false };
  current = run;
  run.worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(run, e.data);
  run.worker.onerror = (e) => onMessage(run, { type: 'failed', message: e.message || 'the training worker failed', where: 'training' });
  send(run.worker, { type: 'start', settings });
  next = spawn();
  noteChange(false);
  followLatest = true;
  setState('starting…');
  $('speed').textContent = '';
  $('progress').textContent = '';
  buttons();
}

function reset(): void {
  current?.worker.terminate();
  current = undefined;
  setState(kept.length ? `${kept.length} kept` : 'ready');
  $('speed').textContent = '';
  $('progress').textContent = '';
  $('backend-info').textContent = '';
  buttons();
  if (kept.length) void redraw();
  else clearViews($('views'), placeholder);
}

function downloadJson(record: RunRecord, file: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(record, null, 1)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function showKept(): void {
  $('kept').hidden = kept.length === 0;
  $('kept-list').replaceChildren(
    ...kept.map((r, i) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      const shown = keptRunText(r);
      name.textContent = shown.text;
      name.title = shown.title;
      const json = document.createElement('button');
      json.type = 'button';
      json.textContent = 'run.json';
      json.addEventListener('click', () => downloadJson(r, 'run.json'));
      const drop = document.createElement('button');
      drop.type = 'button';
      drop.textContent = '✕';
      drop.title = 'remove from the comparison';
      drop.addEventListener('click', () => {
        kept = kept.filter((_, j) => j !== i);
        showKept();
        void redraw();
      });
      li.append(name, json, drop);
      return li;
    }),
  );
}

function fill(select: HTMLSelectElement, items: readonly CatalogItem[], keepFirst = false): void {
  const was = select.value;
  if (!keepFirst) select.replaceChildren();
  for (const it of items) {
    const o = new Option(it.name, it.name);
    o.title = `${it.formula} — ${it.doc}`;
    select.add(o);
  }
  if (was) select.value = was;
}

function penaltyDoc(catalogs: Catalogs): void {
  const name = $<HTMLSelectElement>('penalty').value;
  const it = catalogs.penalties.find((p) => p.name === name);
  const params = it ? Object.entries(it.params).map(([k, p]) => `${k}=${p.default ?? '?'}`) : [];
  $('penalty-doc').textContent =
    name === 'mine'
      ? "φ(w) from the code box below: a scalar, or a tensor of w's shape (summed); checked before training (finite, with a gradient)."
      : it
        ? `${it.formula}${params.length ? ` · ${params.join(', ')}` : ''}${it.prox ? ' · has ,prox' : ''}`
        : '';
  $<HTMLTextAreaElement>('code').disabled = name !== 'mine';
}

function ready(catalogs: Catalogs): void {
  fill($('penalty'), catalogs.penalties);
  $<HTMLSelectElement>('penalty').add(new Option('mine (code box)', 'mine'));
  fill($('constraint'), catalogs.constraints, true);
  fill($('optimizer'), catalogs.optimizers);
  $<HTMLSelectElement>('penalty').value = 'l1';
  $<HTMLSelectElement>('optimizer').value = 'adam';
  const link = applyUrl(new URLSearchParams(location.search));
  penaltyDoc(catalogs);
  $('penalty').addEventListener('change', () => penaltyDoc(catalogs));
  $('controls').addEventListener('change', () => {
    history.replaceState(null, '', `?${urlOf()}`);
    noteChange(true);
  });
  setState('ready');
  if (link.problems.length) {
    // A link that cannot be followed as written starts nothing.
    showError(`this link's parameters: ${link.problems.join('; ')}`);
    if (link.autostart) {
      setState('not started: refused');
      document.title = `${TITLE} — failed`;
    }
  } else if (link.autostart && link.runsCode) {
    // Code from a link is JavaScript: it runs only once the user has read it and pressed Start.
    setState('ready: this link carries code for the penalty mine — read it in the code box, then press Start');
  } else if (link.autostart) {
    autostarted = true;
    start();
  }
}

function main(): void {
  $('start').addEventListener('click', start);
  $('reset').addEventListener('click', reset);
  $('pause').addEventListener('click', () => {
    if (!current || current.done) return;
    current.paused = !current.paused;
    send(current.worker, { type: current.paused ? 'pause' : 'resume' });
    // Paused once the worker says the batch under way has finished ('paused').
    setState(current.paused ? 'pausing… (the batch under way finishes first)' : 'training…');
    buttons();
  });
  $('keep').addEventListener('click', () => {
    if (!current?.record) return;
    current.worker.terminate();
    kept = [...kept, current.record];
    current = undefined;
    showKept();
    buttons();
    setState(`${kept.length} kept; change the controls and start another run to compare`);
    void redraw();
  });
  $('export').addEventListener('click', () => {
    if (current?.record) downloadJson(current.record, 'run.json');
  });
  $('epoch').addEventListener('input', () => {
    const slider = $<HTMLInputElement>('epoch');
    followLatest = slider.value === slider.max;
    void redraw('epoch');
  });
  // A link asking to start at once says it failed when no worker can start (a script waits for "— done" or "— failed").
  const cannotStart = (message: string): void => {
    setState('cannot start');
    showError(message);
    if (new URLSearchParams(location.search).get('autostart') === '1') document.title = `${TITLE} — failed`;
  };
  try {
    next = spawn();
  } catch (err) {
    cannotStart(`this browser cannot start the training worker here (${(err as Error).message}); open the page over http, e.g. with npx penx playground`);
    return;
  }
  next.onmessage = (e: MessageEvent<FromWorker>) => {
    if (e.data.type === 'catalog') ready(e.data.catalogs);
  };
  next.onerror = (e) =>
    cannotStart(`the training worker did not load (${e.message || 'blocked by the browser'}); open the page over http, e.g. with npx penx playground`);
  send(next, { type: 'catalog' });
}

main();
