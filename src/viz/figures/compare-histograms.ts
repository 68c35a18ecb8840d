/**
 * Runs side by side: histograms of all weights with rows = epochs and columns = runs (headed by
 * their penalty specs), all on one x and one y scale, each panel noting its test loss and accuracy
 * (or that the run has no such epoch). Runs of one output and of several side by side note one
 * score per line, lined up across panels; a long output name is shortened in its middle to the
 * panel's width (`acc(classi…utput)=0.9800`, 33 characters at most) and written out in full in the
 * subtitle (score-notes.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { barsEncoding } from './axes.ts';
import { binRows, lastEpoch, weightRange } from './data.ts';
import { indexFacet } from './facets.ts';
import { runLabels, shownSpec } from './format.ts';
import { type HistogramScaleOptions, sharedDensity } from './histogram-scale.ts';
import { fullNameLines, lineUpNotes } from './score-notes.ts';
import { defaultEpoch } from './selection.ts';
import { BAR_COLOR, CONFIG, figureHead, PANEL_TICKS, SHARED_SCALES, SIZE } from './theme.ts';

/** The note's distance from the panel's top and right edge (px), and the width of a character of it (10-px DejaVu Sans, ~6.25 px). */
const NOTE_INSET = 4;
const NOTE_CHAR = 6.25;

/** `compareHistogramsSpec`'s options: the epochs (rows) and the density axis. */
export interface CompareOptions extends HistogramScaleOptions {
  /** The epochs to show (rows); default: up to four spread over 0..N, first and last included. */
  readonly epochs?: number[];
}

/** Up to `most` epochs spread evenly over 0..last, always with 0 and last. */
export function spreadEpochs(last: number, most = 4): number[] {
  if (last + 1 <= most) return Array.from({ length: last + 1 }, (_, i) => i);
  return [...new Set(Array.from({ length: most }, (_, i) => Math.round((i * last) / (most - 1))))];
}

/**
 * The runs' histograms side by side, a row per epoch (see the file's comment).
 *
 * @example
 * compareHistogramsSpec(records, { epochs: [0, 10, 40] })
 */
export function compareHistogramsSpec(runs: RunRecord[], options: CompareOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const epochs = options.epochs ?? spreadEpochs(defaultEpoch(runs));
  const cells = epochs.flatMap((epoch, row) =>
    runs.map((run, col) => ({ row, col, epoch, run, s: [run.initial, ...run.epochs].find((s) => s.epoch === epoch) })),
  );
  const missing = epochs.filter((e) => !cells.some((c) => c.epoch === e && c.s));
  if (missing.length) throw new RangeError(`no run has epoch ${missing.join(', ')}`);
  const hs = cells.flatMap((c) => (c.s ? [c.s.histogram] : []));
  const { width, height } = SIZE.panel;
  const scored = cells.flatMap((c) => (c.s ? [c.s] : []));
  const { notes, fullNames } = lineUpNotes(scored, Math.floor((width - 2 * NOTE_INSET) / NOTE_CHAR));
  const values = cells.flatMap(({ row, col, epoch, run, s }): object[] => {
    const at = { row, col, epoch, run: labels[col] };
    if (!s) return [{ ...at, bin: 0, x0: null, x1: null, density: null, note: `no epoch ${epoch} (last: ${lastEpoch(run)})` }];
    const note = notes[scored.indexOf(s)];
    return binRows(s.histogram).map((r) => ({ ...at, ...r, note }));
  });
  const subtitle = 'all weights · rows: epochs · columns: penalties · shared axes';
  const named = fullNameLines(fullNames);
  return shownSpec({
    ...figureHead('Weights of each run, side by side', named.length ? [subtitle, ...named] : subtitle),
    data: { values },
    facet: {
      row: indexFacet(
        'row',
        epochs.map((e) => `epoch=${e}`),
        { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' },
      ),
      column: indexFacet('col', labels, { labelFontWeight: 'bold' }),
    },
    spec: {
      width,
      height,
      layer: [
        { mark: { type: 'bar', color: BAR_COLOR }, encoding: barsEncoding(weightRange(hs), sharedDensity(hs, options), PANEL_TICKS) },
        {
          transform: [{ filter: 'datum.bin === 0' }],
          mark: { type: 'text', align: 'right', baseline: 'top', fontSize: 10, color: '#444' },
          encoding: { text: { field: 'note' }, x: { value: width - NOTE_INSET }, y: { value: NOTE_INSET } },
        },
      ],
    },
    resolve: SHARED_SCALES,
    config: CONFIG,
  });
}
