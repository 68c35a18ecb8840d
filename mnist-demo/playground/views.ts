/**
 * The live views: the figures of the report and the dashboard (the one `VIEWS` list of
 * penalty-explorer/viz), drawn from run records by Vega in the page, each with PNG and SVG export
 * (Vega's toImageURL).
 *
 *   runs (kept + the current one, with its epoch in progress) ─► view.spec (Vega-Lite) ─► forPage
 *   (Vega) ─► a Vega view in the view's card (the previous one finalised)
 *
 * A figure is drawn at its card's width (its WRAP_WIDTH signal, as the report and the dashboard
 * draw theirs: plots narrower, side-by-side ones stacked, text at its size), again when the window's
 * width changes — not drawn at its file's width and scaled down by the page (a 744-px penalty figure
 * in a 378-px card was text at half size).
 */
import type { RunRecord } from 'penalty-explorer';
import { forPage, storedPenaltyCurves, type View, type ViewData, viewById, WRAP_WIDTH } from 'penalty-explorer/viz';
import { parse, View as VegaView } from 'vega';

/** The views the playground shows, in order. */
export const PLAYGROUND_VIEWS = ['overlay', 'log-abs', 'heatmap', 'curves', 'sparsity', 'penalty'] as const;

interface Card {
  readonly view: View;
  readonly body: HTMLElement;
  vega?: VegaView;
  /** The Vega spec drawn (as JSON), to skip drawing it again. */
  drawn?: string;
  /** Watches the card's width (the window's, a column's), to fit its figure again (`refit`). */
  resized?: ResizeObserver;
}

const cards = new Map<string, Card>();

/** Whether `view` has a WRAP_WIDTH signal: a figure that fits its card (fit-width.ts, wrap.ts). */
function fits(view: VegaView): boolean {
  try {
    view.signal(WRAP_WIDTH);
    return true;
  } catch {
    return false;
  }
}

/** `c`'s figure at its card's width now (`c.body`'s), drawn again where that changed. */
function refit(c: Card): void {
  const width = c.body.clientWidth;
  if (!c.vega || !fits(c.vega) || width === c.vega.signal(WRAP_WIDTH)) return;
  c.vega.signal(WRAP_WIDTH, width).resize();
  c.vega.runAsync().catch((error: unknown) => console.error(error));
}

function download(url: string, file: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
}

function card(container: HTMLElement, view: View): Card {
  const el = document.createElement('div');
  el.className = 'card';
  el.dataset.view = view.id;
  const h = document.createElement('h3');
  h.append(view.title);
  const buttons = document.createElement('span');
  const c: Card = { view, body: document.createElement('div') };
  for (const format of ['png', 'svg'] as const) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = format.toUpperCase();
    b.title = `download this figure as ${format.toUpperCase()}`;
    b.addEventListener('click', async () => {
      if (c.vega) download(await c.vega.toImageURL(format, format === 'png' ? 2 : 1), `${view.id}.${format}`);
    });
    buttons.append(b);
  }
  h.append(buttons);
  el.append(h, c.body);
  container.append(el);
  c.resized = new ResizeObserver(() => refit(c));
  c.resized.observe(c.body);
  return c;
}

/**
 * Draws the views of `runs` (at `epoch` for the per-epoch ones) into `container`: every view, or
 * with `perEpochOnly` those that show one epoch (while an epoch runs, and when the epoch slider
 * moves). A view whose spec did not change is left as it is.
 */
export async function drawViews(container: HTMLElement, runs: RunRecord[], epoch: number, perEpochOnly = false): Promise<void> {
  if (cards.size === 0) {
    container.replaceChildren();
    for (const id of PLAYGROUND_VIEWS) {
      const view = viewById(id);
      if (!view) throw new Error(`no view ${id} in VIEWS`);
      cards.set(id, card(container, view));
    }
  }
  const { curves, missing } = storedPenaltyCurves(runs);
  const data: ViewData = { penalties: curves, missingPenalties: missing };
  for (const c of cards.values()) {
    if (perEpochOnly && !c.view.perEpoch) continue;
    const spec = await forPage(c.view.spec(runs, { epoch, scale: 'linear' }, c.view.needsPenalties ? data : {}));
    const text = JSON.stringify(spec);
    if (text === c.drawn) continue;
    const holder = document.createElement('div');
    const next = new VegaView(parse(spec), { renderer: 'svg', container: holder, hover: true });
    // Its card's width, measured while the previous figure still holds the card open.
    if (fits(next)) next.signal(WRAP_WIDTH, c.body.clientWidth);
    await next.runAsync();
    c.vega?.finalize();
    c.body.replaceChildren(holder);
    c.vega = next;
    c.drawn = text;
  }
}

/** Removes every view (no runs left to show), leaving `placeholder`. */
export function clearViews(container: HTMLElement, placeholder: Node): void {
  for (const c of cards.values()) {
    c.resized?.disconnect();
    c.vega?.finalize();
  }
  cards.clear();
  container.replaceChildren(placeholder);
}
