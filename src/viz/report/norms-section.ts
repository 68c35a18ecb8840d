/**
 * The report's `#norms` section ("Weight norms"), present when some run recorded channel norms:
 * per run a card with the channel-norm histograms of every layer at the selected epoch (`#norms-I`,
 * drawn by the page script; `.norms-title` names the epoch and `.full-names` below it the outputs it shortens, as the histograms' titles: `epochTitleHtml`), the mean/max curves over training
 * (`#norm-curves`), and, with a norm constraint, per run a table of the share of output channels
 * (last axis) in which it changed a weight, per epoch and layer (rows carry `data-epoch`, so the page highlights the selected one).
 * `#norms` carries the selected epoch as `data-epoch`.
 */

import type { RunRecord } from '../../formats/index.ts';
import {
  constraintLines,
  hasNorms,
  normLayers,
  otherSlicesLines,
  rowNormsNote,
  runLabels,
  shortPercent,
  snapshotNorms,
  unknownAxesLines,
} from '../figures/index.ts';
import { epochTitleHtml } from './epoch-title-html.ts';
import { escText, table } from './html.ts';
import type { PageModel } from './page-model.ts';

const DASH = '—';

function projectedTable(run: RunRecord, layers: readonly string[], selected: number): string {
  const epochs = run.epochs.filter((e) => snapshotNorms(e).some((n) => n.projected !== undefined));
  const rows = epochs.map((e) => [
    String(e.epoch),
    ...layers.map((layer) => {
      const p = snapshotNorms(e).find((n) => n.layer === layer)?.projected;
      return p === undefined ? DASH : shortPercent(p);
    }),
  ]);
  const attrs = epochs.map((e) => `data-epoch="${e.epoch}"${e.epoch === selected ? ' class="selected"' : ''}`);
  return table(['epoch', ...layers].map(escText), rows, 'class="projected"', attrs);
}

/** The whole `#norms` section, or '' when no run has channel norms. */
export function normsSection(runs: readonly RunRecord[], model: PageModel): string {
  if (!model.norms) return '';
  const labels = runLabels(runs);
  const several = runs.length > 1;
  const selected = model.lastEpoch;
  const cards = runs.map((run, i) => {
    const head = several ? `<div class="run-label">${escText(labels[i] ?? '')}</div>` : '';
    const t = epochTitleHtml(model, i);
    const body = hasNorms(run)
      ? `<div class="norms-title" data-run="${i}">${t.lines}</div>${t.names}<div class="downloads" id="dl-norms-${i}"></div><div class="chart" id="norms-${i}"></div>`
      : '<p class="note">no channel norms in this record (written before they were tracked)</p>';
    return `<div class="card">${head}${body}</div>`;
  });
  const bounded = constraintLines(runs, labels, 'bounded');
  const boundsNote = bounded.length
    ? ` Red rules: the bounds of the norm constraint — ${escText(bounded.join('; '))} — in the panels whose norms it bounds (its slices are the channels: e.g. dense kernels with axis=0, an embedding's rows with axis=1).${escText(
        otherSlicesLines(runs, labels)
          .map((l) => ` ${l[0]?.toUpperCase()}${l.slice(1)}.`)
          .join(''),
      )}`
    : '';
  const unknown = unknownAxesLines(runs, labels)
    .map((l) => ` ${l[0]?.toUpperCase()}${l.slice(1)}.`)
    .join('');
  const withProjections = runs
    .map((run, i) => [run, i] as const)
    .filter(([run]) => run.epochs.some((e) => snapshotNorms(e).some((n) => n.projected !== undefined)));
  const layers = normLayers(runs);
  const projected = withProjections.length
    ? [
        `<h3>Share of output channels (last axis)${escText(rowNormsNote(runs))} in which the constraint changed a weight, mean over each epoch's steps</h3>`,
        `<div class="tables">${withProjections
          .map(
            ([run, i]) => `<div class="run-projected">${several ? `<h3>${escText(labels[i] ?? '')}</h3>` : ''}${projectedTable(run, layers, selected)}</div>`,
          )
          .join('\n')}</div>`,
      ]
    : [];
  return [
    `<section id="norms" data-epoch="${selected}">`,
    '<h2>Weight norms</h2>',
    `<p class="note">The L2 norm of each output channel of each layer's kernel${escText(rowNormsNote(runs))} at the selected epoch, as shares of the layer's channels, each layer on its own norm axis, the same for every epoch${several ? ' and run' : ''}, and one share axis for all.${boundsNote}${escText(unknown)}</p>`,
    `<div class="cards">\n${cards.join('\n')}\n</div>`,
    '<div class="downloads" id="dl-norm-curves"></div><div class="chart" id="norm-curves"></div>',
    ...projected,
    '</section>',
  ].join('\n');
}
