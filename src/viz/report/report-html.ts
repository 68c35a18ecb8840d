/**
 * One self-contained HTML page for a run (`penx train`) or a set of runs (`penx compare`): Vega's
 * own script, the data and the precompiled Vega specs are all inline (the page model and specs
 * packed: gzip, base64), so the page works offline from a file; its content security policy
 * (pageCsp) runs its own scripts only and loads nothing from anywhere, whatever the records'
 * strings or a user monitor's view spec say. Controls: `#epoch` (slider), `scale` radios
 * (linear/log), `#layer` (all or one layer); `#title` (and `.run-title` per run when several)
 * follow the selected epoch, as does the `#norms` section (channel-norm histograms, when the runs
 * recorded norms).
 */

import { UsageError } from '../../errors.ts';
import type { RunRecord } from '../../formats/index.ts';
import { runLabels } from '../figures/index.ts';
import { reportSpecs } from './chart-specs.ts';
import { epochTitleHtml } from './epoch-title-html.ts';
import { esc, escText, inlineScript, jsonScript, packedJsonScript, pageCsp } from './html.ts';
import { normsSection } from './norms-section.ts';
import { numbersCsv, numbersSection } from './numbers-table.ts';
import { ALL_LAYERS, type PageModel, pageModel } from './page-model.ts';
import { REPORT_SCRIPT } from './page-scripts.ts';
import { PAGE_STYLE } from './page-style.ts';
import { PRUNE_SCRIPT, pruneSection } from './prune-section.ts';
import { viewsSection } from './views-section.ts';
import type { ReportPenalties } from './views-specs.ts';

function controls(model: PageModel): string {
  const layerOptions = model.layers.map((l) => `<option value="${esc(l)}">${l === ALL_LAYERS ? 'all layers' : escText(l)}</option>`).join('');
  return `<section id="controls">
<label for="epoch">epoch <input id="epoch" type="range" min="0" max="${model.lastEpoch}" step="1" value="${model.lastEpoch}"><output id="epoch-value" for="epoch">${model.lastEpoch}</output></label>
<fieldset><legend>density</legend>
<label><input type="radio" name="scale" value="linear" checked> linear</label>
<label><input type="radio" name="scale" value="log"> log</label></fieldset>
<label for="layer">weights <select id="layer">${layerOptions}</select></label>
</section>`;
}

function histograms(model: PageModel): string {
  if (model.runs.length === 1) {
    const t = epochTitleHtml(model, 0);
    return `<h2 id="title">${t.lines}</h2>${t.names}\n<section id="histograms" class="cards"><div class="card"><div class="downloads" id="dl-hist-0"></div><div class="chart" id="hist-0"></div></div></section>`;
  }
  const cards = model.runs.map((run, i) => {
    const t = epochTitleHtml(model, i);
    return `<div class="card"><div class="run-label">${escText(run.label)}</div><div class="run-title">${t.lines}</div>${t.names}<div class="downloads" id="dl-hist-${i}"></div><div class="chart" id="hist-${i}"></div></div>`;
  });
  return `<h2 id="title">epoch=${model.lastEpoch}</h2>\n<section id="histograms" class="cards">\n${cards.join('\n')}\n</section>`;
}

/**
 * How far a run got, when it is not all its epochs: the report is rewritten while a run trains, so
 * one opened while training runs (or after it was interrupted) must say it shows part of the run.
 * e.g. `1 of 3 epochs: unfinished`, `stopped at epoch 2, batch 5`, `ended early after epoch 4`; '' when done.
 */
function progressText(run: RunRecord): string {
  if (run.stopped) return `stopped at epoch ${run.stopped.epoch}, batch ${run.stopped.batch}`;
  if (run.endedEarly) return `ended early after epoch ${run.endedEarly.epoch}`;
  return run.epochs.length < run.config.epochs ? `${run.epochs.length} of ${run.config.epochs} epochs: unfinished` : '';
}

/** The progress of a run as a `<span class="progress">` between `open` and `close`, or '' when it is done. */
function progressSpan(run: RunRecord, open = ' · ', close = ''): string {
  const text = progressText(run);
  return text ? `${open}<span class="progress">${escText(text)}</span>${close}` : '';
}

function subtitle(runs: readonly RunRecord[]): string {
  if (runs.length === 1) {
    const run = runs[0];
    return run
      ? `penalty <code>${escText(run.config.penalty)}</code> (${escText(run.config.penaltyFormula)}) · ${escText(run.config.name)}${progressSpan(run)}`
      : '';
  }
  const labels = runLabels(runs);
  return `${runs.length} runs: ${runs.map((run, i) => `<code>${escText(labels[i] ?? '')}</code>${progressSpan(run, ' (', ')')}`).join(', ')}`;
}

/** `reportHtml`'s options: the page's title, Vega's script to inline, and the penalties sampled in Node. */
export interface ReportOptions {
  /** The page's title; default `penalty-explorer: <run name>` or `penalty-explorer: N runs`. */
  readonly title?: string;
  /** Vega's browser build (its source text), inlined so the page works offline. */
  readonly vegaScript: string;
  /** The runs' penalties sampled in Node (penalty-explorer/node's `penaltyCurves`), for the penalty-shape view. */
  readonly penalties?: ReportPenalties;
}

/**
 * The self-contained report page of `runs` (see the file's comment); a UsageError for no run.
 *
 * @example
 * const html = await reportHtml(records, { vegaScript: await vegaScript() });   // vegaScript: penalty-explorer/node
 */
export async function reportHtml(runs: RunRecord[], options: ReportOptions): Promise<string> {
  if (runs.length === 0) throw new UsageError('reportHtml needs at least one run: give it the records of the runs to show');
  const model = pageModel(runs);
  const specs = await reportSpecs(runs, model, options.penalties);
  const title = options.title ?? (runs.length === 1 ? `penalty-explorer: ${runs[0]?.config.name}` : `penalty-explorer: ${runs.length} runs`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(await pageCsp([options.vegaScript, REPORT_SCRIPT, PRUNE_SCRIPT]))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escText(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>${escText(title)}</h1><p class="sub">${subtitle(runs)}</p></header>
${controls(model)}
${histograms(model)}
<p class="note">Histogram of the weights over [lo, hi] as a density (it integrates to the fraction inside). Log: a symlog axis, linear below the density of one weight. The y axis is shared by all epochs${runs.length > 1 ? ' and runs' : ''}.</p>
${viewsSection(specs.views)}
<h2>Sparsity and accuracy</h2>
<section class="charts"><div><div class="downloads" id="dl-sparsity"></div><div id="sparsity"></div></div><div><div class="downloads" id="dl-accuracy"></div><div id="accuracy"></div></div></section>
${normsSection(runs, model)}
${await pruneSection(runs)}
${numbersSection(runs, model.lastEpoch)}
${await packedJsonScript('penx-model', model)}
${await packedJsonScript('penx-specs', specs)}
${jsonScript('penx-numbers-csv', numbersCsv(runs))}
${inlineScript(options.vegaScript)}
${inlineScript(REPORT_SCRIPT)}
</body>
</html>
`;
}
