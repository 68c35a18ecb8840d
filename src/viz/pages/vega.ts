/**
 * Vega views fitted to their cards, for any page: the report and the dashboard (Vega's browser
 * build, the global `vega`, loaded before their scripts: page-vega.ts) and the playground (Vega
 * bundled). The page hands Vega in (`PageVega`): nothing of Vega is bundled from here, types only.
 *
 *   spec (Vega, e.g. forPage) ─► newView: drawn at its card's width (cardWidth, the WRAP_WIDTH signal)
 *   card's room changes (window, columns, scrollbar) ─► its width set again, the view drawn again
 *   finalizeView ─► no longer fitted
 *
 * @example
 * import * as vega from 'vega';
 * import { finalizeView, forPage, newView, overlaySpec } from 'penalty-explorer/viz';
 * const view = newView(await forPage(overlaySpec(records)), cardBody, { vega });  // cardBody: inside a `.card`
 * await view.runAsync();
 * // …and when the card goes: finalizeView(view)
 */
import type * as Vega from 'vega';
import { WRAP_WIDTH } from '../figures/index.ts';

/** A Vega view (`vega.View`), as the pages make them. */
export type View = Vega.View;

/**
 * How a view draws in the page: `svg` (an element per mark item) or `canvas` (pixels; the items
 * stay in the view, hover and tooltips work the same: Vega's handler sets the container's `title`).
 * The figure chooses (its spec's `usermeta.renderer`, e.g. the heatmaps: figures/heatmap.ts); SVG else.
 * The chart's PNG/SVG downloads are the same either way (`toImageURL`, `toSVG` render the view anew).
 */
export type Renderer = 'svg' | 'canvas';

/** What of Vega a page hands `newView`: the `vega` namespace (`import * as vega from 'vega'`, or Vega's browser build's global). */
export type PageVega = Pick<typeof Vega, 'View' | 'parse'>;

/** How `newView` draws: with which Vega, and on which renderer (default: the one the figure chooses, `Renderer`). */
export interface VegaViewOptions {
  readonly vega: PageVega;
  readonly renderer?: Renderer;
}

/** The sum of `keys` of `style`, in px. */
const px = (style: CSSStyleDeclaration, ...keys: Array<'paddingLeft' | 'paddingRight' | 'borderLeftWidth' | 'borderRightWidth'>) =>
  keys.reduce((sum, k) => sum + (Number.parseFloat(style[k]) || 0), 0);

/**
 * The width (px) a chart in `container` may take: in a grid of cards (the playground's), its card's
 * cell less the card's padding; in a row of cards that grow with their charts (the report's and the
 * dashboard's flex boxes), the row less its padding and the card's padding and border; outside a
 * card, the container's own width.
 */
export function cardWidth(container: HTMLElement): number {
  const card = container.closest<HTMLElement>('.card');
  const row = card?.parentElement;
  if (!card || !row) return container.clientWidth;
  const rowStyle = getComputedStyle(row);
  const cardStyle = getComputedStyle(card);
  if (rowStyle.display.endsWith('grid')) return card.clientWidth - px(cardStyle, 'paddingLeft', 'paddingRight');
  return row.clientWidth - px(rowStyle, 'paddingLeft', 'paddingRight') - px(cardStyle, 'paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth');
}

/** The views whose panels wrap (not finalised), each with the boxes whose size is its room: its card and the card’s row (outside a card, its container). */
const wrapped = new Map<View, HTMLElement[]>();
/** The views to fit again at the next frame (`refit`). */
const due = new Set<View>();
/**
 * Tells `refit` which cards' room may have changed: a ResizeObserver on the cards and their rows,
 * and a listener of the window's resizes for every view (made with the first wrapped view: a
 * page's script, never in Node).
 */
let watcher: ResizeObserver | undefined;

/** Each of `views`' WRAP_WIDTH set to its card's width, and the view drawn again if that changed (at the next frame, once). */
function refit(views: Iterable<View>): void {
  const waiting = due.size > 0;
  for (const view of views) due.add(view);
  if (waiting || !due.size) return;
  requestAnimationFrame(() => {
    const now = [...due];
    due.clear();
    for (const view of now) {
      const el = view.container();
      const width = el ? cardWidth(el) : 0;
      if (!wrapped.has(view) || !el || width === view.signal(WRAP_WIDTH)) continue;
      // resize(): the view's size is measured again, not kept from the layout before (Vega's autosize).
      view.signal(WRAP_WIDTH, width).resize();
      runSoon(view).catch((error: unknown) => console.error(error));
    }
  });
}

/** The wrapped views in the boxes of `entries`. */
function viewsIn(entries: ResizeObserverEntry[]): View[] {
  const boxes = new Set(entries.map((e) => e.target));
  return [...wrapped].flatMap(([view, theirs]) => (theirs.some((b) => boxes.has(b)) ? [view] : []));
}

/**
 * A Vega view of `spec` drawn into `container`, on the renderer its figure chooses (`Renderer`) or
 * `options.renderer`; a figure whose panels wrap (its `WRAP_WIDTH` signal, figures/wrap.ts) wraps
 * them to its card's width (`cardWidth`), again whenever that changes — the window's width, the
 * columns of the cards' grid, a scrollbar coming (a ResizeObserver on the card and its row; outside
 * a card, on the container) — until `finalizeView`. Not drawn yet: `view.runAsync()` or `runSoon`.
 */
export function newView(spec: Vega.Spec, container: HTMLElement, options: VegaViewOptions): View {
  const { vega } = options;
  const renderer: Renderer = options.renderer ?? ((spec.usermeta as { renderer?: Renderer } | undefined)?.renderer === 'canvas' ? 'canvas' : 'svg');
  const view = new vega.View(vega.parse(spec), { renderer, container, hover: true });
  if (spec.signals?.some((s) => s.name === WRAP_WIDTH)) {
    view.signal(WRAP_WIDTH, cardWidth(container));
    // A card and its row are watched; outside a card, the container (the report's sparsity and accuracy: their
    // boxes take their width from the row, `.charts > div`, not from the chart drawn in them).
    const card = container.closest<HTMLElement>('.card');
    const boxes = card?.parentElement ? [card, card.parentElement] : [container];
    if (!watcher) {
      watcher = new ResizeObserver((entries) => refit(viewsIn(entries)));
      addEventListener('resize', () => refit(wrapped.keys()));
    }
    for (const box of boxes) watcher.observe(box);
    wrapped.set(view, boxes);
  }
  return view;
}

/** Whether `el` is (partly) within the window's viewport, or has no box to tell. */
function onScreen(el: HTMLElement | null): boolean {
  if (!el) return true;
  const r = el.getBoundingClientRect();
  return r.bottom >= 0 && r.top <= window.innerHeight && r.right >= 0 && r.left <= window.innerWidth;
}

/** An off-screen draw waiting for its task: what to set first, and who waits on it. */
interface Job {
  prepare: (() => void) | undefined;
  readonly waiters: Array<{ resolve: (view: View) => void; reject: (error: unknown) => void }>;
}

/** The off-screen draws waiting, one per view (the newest asked for). */
const waiting = new Map<View, Job>();
/** Whether a task to draw the next waiting view is on its way. */
let pumping = false;
/** What waits for no view left to draw (`whenDrawn`). */
let idle: Array<() => void> = [];

/** `fn` in a task of its own, after whatever input is waiting (`scheduler.postTask` where there is one). */
function nextTask(fn: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: (fn: () => void) => Promise<void> } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(fn);
  else setTimeout(fn, 0);
}

/** `job`'s draw of `view` now: its data set, then `view.runAsync()`, its waiters told. */
function draw(view: View, job: Job | undefined): Promise<View> {
  let run: Promise<View>;
  try {
    job?.prepare?.();
    run = view.runAsync();
  } catch (error) {
    run = Promise.reject(error);
  }
  for (const w of job?.waiters ?? []) run.then(w.resolve, w.reject);
  return run;
}

/** The view to draw next: the first waiting on screen, else the first in page order. */
function next(): View | undefined {
  let first: View | undefined;
  for (const view of waiting.keys()) {
    const el = view.container();
    if (onScreen(el)) return view;
    const at = first?.container();
    if (!first || (el && at && el.compareDocumentPosition(at) & Node.DOCUMENT_POSITION_FOLLOWING)) first = view;
  }
  return first;
}

/**
 * How long a task goes on drawing views below the window before the page gets its turn (input, a
 * frame), in ms: the long-task threshold. A view started within it is drawn whole.
 */
export const DRAW_SLICE_MS = 50;

/** Draws waiting views for up to DRAW_SLICE_MS, then yields to the page (input, frames) before the next. */
function pump(): void {
  const start = performance.now();
  const step = (): void => {
    const view = next();
    if (!view) {
      pumping = false;
      const now = idle;
      idle = [];
      for (const done of now) done();
      return;
    }
    const job = waiting.get(view);
    waiting.delete(view);
    const go = () => (performance.now() - start < DRAW_SLICE_MS ? step() : nextTask(pump));
    draw(view, job).then(go, go);
  };
  step();
}

/**
 * Draws `view`: `prepare` (setting its data and signals), then `view.runAsync()` — now when the
 * view's container is on screen, else after the page has painted (a task after the next frame, or
 * after 100 ms when no frame comes, as in a hidden tab), in tasks of about DRAW_SLICE_MS each (a
 * view begun within one is drawn whole) with the page free between them (input handled, frames
 * shown); those come on screen first, then in page order. A view asked for again before its turn
 * is drawn once, with the newest `prepare` (the older one never runs; without one, the older
 * one), so a chart never shows an older choice than the latest. Resolves when the view is drawn
 * with the newest `prepare`.
 *
 * On the 7-run reference report (1400×900 window) a layer change draws the charts in sight at
 * once and the rest a slice at a time: the longest task after the change went from ~1.2 s of CPU
 * (every chart below the window in one) to ~0.6 s (the ridgeline of ~59k items alone), and a
 * click waits for one chart, not all of them. Slices, not one task a view: the page renders
 * between tasks (~30 ms a frame on that page), and the small charts (norm histograms, overlay,
 * bands) would each have cost a frame; even so every chart is drawn after ~0.1 s more CPU than
 * in one task (~0.5 s more on opening the page).
 */
export function runSoon(view: View, prepare?: () => void): Promise<View> {
  const job = waiting.get(view);
  if (onScreen(view.container())) {
    waiting.delete(view);
    return draw(view, { prepare: prepare ?? job?.prepare, waiters: job?.waiters ?? [] });
  }
  const promise = new Promise<View>((resolve, reject) => {
    if (job) {
      job.prepare = prepare ?? job.prepare;
      job.waiters.push({ resolve, reject });
    } else waiting.set(view, { prepare, waiters: [{ resolve, reject }] });
  });
  if (!pumping) {
    pumping = true;
    let started = false;
    const start = () => {
      if (!started) {
        started = true;
        pump();
      }
    };
    requestAnimationFrame(() => setTimeout(start, 0));
    setTimeout(start, 100);
  }
  return promise;
}

/**
 * Draws `view` now if a draw of it waits its turn (with its newest `prepare`, its waiters told),
 * else runs it (after any run under way): resolves when the view shows the newest choice asked of
 * `runSoon`. What a download waits for, so a chart's files are those of the choice the page shows,
 * not of the one drawn before it.
 */
export function drawNow(view: View): Promise<View> {
  const job = waiting.get(view);
  waiting.delete(view);
  return draw(view, job);
}

/** Resolves once no view waits to be drawn (every `runSoon` so far done), at once if none does. */
export function whenDrawn(): Promise<void> {
  return pumping ? new Promise((resolve) => idle.push(resolve)) : Promise.resolve();
}

/** `view.finalize()`, its waiting draw dropped (its waiters resolved: there is nothing left to draw). */
export function finalizeView(view: View | null | undefined): void {
  if (!view) return;
  const boxes = wrapped.get(view);
  wrapped.delete(view);
  // A box no other wrapped view has is watched no more (a card removed is let go).
  const kept = new Set([...wrapped.values()].flat());
  for (const box of boxes ?? []) if (!kept.has(box)) watcher?.unobserve(box);
  const job = waiting.get(view);
  waiting.delete(view);
  for (const w of job?.waiters ?? []) w.resolve(view);
  view.finalize();
}
