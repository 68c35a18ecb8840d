/**
 * The report's `#prune` section ("Prune curve and sparse size"), present when some run measured a
 * prune curve: the figure (`#prune-curve`, drawn by its own small script once Vega has loaded; a
 * panel per epoch a curve was measured after) and per run and measured epoch a table of every level
 * — test accuracy (each output's, for a model of several outputs) pruned over all kernels and in each layer apart, the share of kernel weights at 0,
 * and the weights' bytes dense, sparse, and their ratio. Each run's latest table is open, its
 * earlier ones folded.
 */

import { accuraciesOf, type PruneCurve, type PrunePoint, type RunRecord } from '../../formats/index.ts';
import { fixed4, forPage, grouped, percent, pruneCurveSpec, prunedEpochs, runLabels, WRAP_WIDTH } from '../figures/index.ts';
import { escText, inlineScript, jsonScript, table } from './html.ts';

/** The columns after the accuracies. */
const SIZE_COLUMNS = ['kernel weights at 0', 'dense (bytes)', 'sparse (bytes)', 'dense / sparse'];

/** The outputs whose accuracies a curve holds (a model of several outputs), or [undefined]: the model's single one. */
function outputsOf(curve: PruneCurve): (string | undefined)[] {
  const outputs = [...new Set(curve.global.flatMap((p) => accuraciesOf(p).flatMap((a) => (a.output === undefined ? [] : [a.output]))))];
  return outputs.length ? outputs : [undefined];
}

/** The table's columns: `test acc, all kernels`, or each output's, `test acc (digit), all kernels`, …; then the sizes. */
function columnsOf(outputs: readonly (string | undefined)[]): string[] {
  const acc = (scope: string) => outputs.map((o) => `test acc${o === undefined ? '' : ` (${o})`}, ${scope}`);
  return ['set to 0 (%)', ...acc('all kernels'), ...acc('each layer'), ...SIZE_COLUMNS];
}

/** A point's accuracy of `output` (undefined: the model's), to 4 decimals. */
function accText(p: PrunePoint | undefined, output: string | undefined): string {
  if (!p) return '—';
  return fixed4(output === undefined ? p.testAcc : (accuraciesOf(p).find((a) => a.output === output)?.acc ?? null));
}

/**
 * Renders the spec in `#penx-prune-spec` into `#prune-curve` once the page (and Vega) has loaded, at
 * the width of its box (the figure's WRAP_WIDTH: its plots narrower, fit-width.ts), not a file's
 * (1336 px for two runs, scrolling in a 420-px window).
 */
export const PRUNE_SCRIPT = `document.addEventListener('DOMContentLoaded', function () {
  var spec = JSON.parse(document.getElementById('penx-prune-spec').textContent);
  var box = document.getElementById('prune-curve');
  var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: box, hover: true });
  if ((spec.signals || []).some(function (s) { return s.name === ${JSON.stringify(WRAP_WIDTH)}; })) view.signal(${JSON.stringify(WRAP_WIDTH)}, box.clientWidth);
  view.runAsync();
});`;

function rows(curve: PruneCurve, outputs: readonly (string | undefined)[]): string[][] {
  return curve.global.map((p) => {
    const layer = curve.perLayer.find((q) => q.level === p.level);
    return [
      String(p.level),
      ...outputs.map((o) => accText(p, o)),
      ...outputs.map((o) => accText(layer, o)),
      percent(p.zeros),
      grouped(p.size.dense),
      grouped(p.size.sparse),
      `${p.size.ratio.toFixed(1)}×`,
    ];
  });
}

/** The whole `#prune` section, or '' when no run measured a prune curve. */
export async function pruneSection(runs: readonly RunRecord[]): Promise<string> {
  const labels = runLabels(runs);
  const pruned = prunedEpochs(runs);
  if (pruned.length === 0) return '';
  const spec = await forPage(pruneCurveSpec([...runs], pruned.length > 1 ? { epochs: pruned } : {}));
  const tables = runs.flatMap((run, i) => {
    const measured = run.epochs.filter((e) => e.prune).reverse();
    return measured.map(({ epoch, prune }, k) => {
      const curve = prune!;
      const title = `${runs.length > 1 ? `${escText(labels[i] as string)} · ` : ''}after epoch ${epoch}, ${grouped(curve.weights)} kernel weights`;
      const outputs = outputsOf(curve);
      const body = table(columnsOf(outputs).map(escText), rows(curve, outputs), 'class="prune"');
      // The latest curve open; the earlier ones folded under their title.
      return k === 0 ? `<div class="run-prune"><h3>${title}</h3>${body}</div>` : `<details class="run-prune"><summary>${title}</summary>${body}</details>`;
    });
  });
  return [
    '<section id="prune">',
    '<h2>Prune curve and sparse size</h2>',
    `<p class="note">${[
      'Test accuracy when the k % smallest |w| of the kernels are set to 0 — over all kernels together, or in each layer apart — with the weights restored after each measurement.',
      'Level 0 is the trained model, with its own exact zeros.',
      'Sizes: every weight as float32 (dense), and each kernel stored as CSR or COO with the narrowest index type that fits, whichever is smaller (sparse; biases dense).',
      '<code>pruneWeights(model, level)</code> sets the smallest kernel weights of a model to 0, as a level of the curve does.',
    ].join(' ')}</p>`,
    '<div class="chart" id="prune-curve"></div>',
    `<div class="tables">${tables.join('\n')}</div>`,
    jsonScript('penx-prune-spec', spec),
    inlineScript(PRUNE_SCRIPT),
    '</section>',
  ].join('\n');
}
