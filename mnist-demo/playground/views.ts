/**
 * The live views: the figures of the report and the dashboard (the one `VIEWS` list of
 * penalty-explorer/viz), drawn from run records by Vega in the page, each with PNG and SVG export
 * (Vega's toImageURL).
 *
 *   runs (kept + the current one, with its epoch in progress) ─► view.spec (Vega-Lite) ─► forPage
 *   (Vega) ─► a Vega view in the view's card (the previous one finalised)
 *
 * A figure is drawn at its card's width by the library's `newView`, as the report and the dashboard
 * draw theirs (plots narrower, side-by-side ones stacked, text at its size), again when the card's
 * width changes — not drawn at its file's width and scaled down by the page (a 744-px penalty figure
 * in a 378-px card was text at half size). On SVG, every figure (the heatmap too, which the report
 * draws on canvas): a playground's runs are few, and the card's CSS fits an SVG.
 */
import type { RunRecord } from 'penalty-explorer';
import { finalizeView, forPage, newView, storedPenaltyCurves, type View, type ViewData, viewById } from 'penalty-explorer/viz';
import { parse, View as VegaView } from 'vega';

/** The views the playground shows, in order. */
export const PLAYGROUND_VIEWS = ['overlay', 'log-abs', 'heatmap', 'curves', 'sparsity', 'penalty'] as const;

interface Card {
  readonly view: View;
  readonly body: HTMLElement;
  vega?: VegaView;
  /** The Vega spec drawn (as JSON), to skip drawing it again. */
  drawn?: string;
}

const cards = new Map<string, Card>();

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
    // Drawn hidden in its card (fitted to the card's width), the previous figure shown until it is done.
    const holder = document.createElement('div');
    holder.hidden = true;
    c.body.append(holder);
    const next = newView(spec, holder, { vega: { View: VegaView, parse }, renderer: 'svg' });
    await next.runAsync();
    finalizeView(c.vega);
    c.body.replaceChildren(holder);
    holder.hidden = false;
    c.vega = next;
    c.drawn = text;
  }
}

/** Removes every view (no runs left to show), leaving `placeholder`. */
export function clearViews(container: HTMLElement, placeholder: Node): void {
  for (const c of cards.values()) finalizeView(c.vega);
  cards.clear();
  container.replaceChildren(placeholder);
}
