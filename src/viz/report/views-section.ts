/**
 * The report's `#views` section: a card per view (`#view-ID` for its chart, `#dl-view-ID` for
 * its download buttons), headed by what it shows; `.view-layer` and `.view-epoch` follow the
 * controls. Views the records cannot feed (log10|w| without fine histograms, penalty shapes not
 * sampled) are left out. The views of the runs' user monitors follow, one card each.
 */
import { MONITOR_VIEW } from '../figures/index.ts';
import { esc, escText } from './html.ts';
import type { ViewsSpecs } from './views-specs.ts';

/** A view's card; its id (`monitor-NAME` holds a record's monitor name) is quoted as an attribute, so the page's script finds it whole. */
function card(id: string, title: string, note: string): string {
  return `<div class="card view-card"><div class="card-head"><h3>${title}</h3><div class="downloads" id="dl-view-${esc(id)}"></div></div><p class="note">${note}</p><div class="chart" id="view-${esc(id)}"></div></div>`;
}

/** The HTML of the report's `#views` section for the views `specs` holds (see the file's comment). */
export function viewsSection(specs: ViewsSpecs): string {
  const layer = '<span class="view-layer">all weights</span>';
  const epoch = '<span class="view-epoch"></span>';
  const cards = [
    card('overlay', `Runs overlaid at epoch ${epoch}`, `${layer}; one step line per run on the density axis chosen above`),
    ...(specs.logAbs
      ? [card('log-abs', `|w| on a log axis at epoch ${epoch}`, `${layer}; share of weights per log10|w| bin (5 per decade); left: the share exactly 0`)]
      : []),
    card('heatmap', 'Weights over epochs', `${layer}; colour: share of the run's weights in each bin (log); white: none`),
    ...(specs.heatmapLog ? [card('heatmap-log', 'log10|w| over epochs', `${layer}; left column: w = 0`)] : []),
    card('ridgeline', 'Offset over epochs', `${layer}; one ridge per epoch, 0 at the top; height from the density (linear or log, as chosen above)`),
    card('bands', 'Distributions over epochs', `${layer}; bands: min–max, 7–93 %, 16–84 %, 31–69 %; line: the median`),
    card('curves', 'Training curves', 'train loss, test loss, the penalty term and test accuracy per epoch'),
    ...(specs.penalty ? [card('penalty', 'Penalty shapes', 'λ·φ(w) for one weight w, and its slope, per penalty')] : []),
    ...specs.monitors.map((m) => card(m.id, escText(m.title), `your monitor ${escText(m.id.slice(MONITOR_VIEW.length))}: its section after each epoch`)),
  ];
  return `<h2>Views</h2>\n<section id="views" class="cards">\n${cards.join('\n')}\n</section>`;
}
