/**
 * One cell of a channel-norm histogram grid: its bars (share of the layer's channels per norm bin),
 * the norm constraint's bounds as vertical rules, and a note in the top left corner.
 */
import type { PositionDef } from 'vega-lite/types_unstable/channeldef.js';
import { barsEncoding } from './axes.ts';
import { type NormLimits, normTicks } from './norms-data.ts';
import { BAR_COLOR, PANEL_TICKS } from './theme.ts';

/** The colour of the constraint's bound rules. */
export const BOUND_COLOR = '#c0392b';
/** The norm axis title. */
export const NORM_TITLE = 'channel norm ‖w‖₂';

/**
 * The layers of one histogram cell, over rows with `kind`: `bar` (x0, x1, share), `bound` (a
 * constraint bound: a vertical rule at `bound`) and `note` (text in the top left corner); the share
 * axis titled `shareTitle` (null: untitled).
 */
/** The norm axis of a cell over [0, xMax] (field x0), with round ticks. */
export function normAxisX(xMax: number): Record<string, unknown> {
  const ticks = normTicks(xMax);
  const { x } = barsEncoding([0, xMax], shareEncoding(1), PANEL_TICKS);
  // tickCount too: Vega thins explicit values down to the default count (width / 40).
  return { ...x, title: NORM_TITLE, axis: { values: ticks, tickCount: ticks.length, format: '.4~g' } };
}

/** The Vega-Lite layers of one channel-norm cell: its bars over [0, xMax], a constraint's bound rules and its note (rows of `kind` bar, bound, note). */
export function normCellLayers(limits: NormLimits, shareTitle: string | null = 'share of channels'): object[] {
  const bars = barsEncoding([0, limits.xMax], { ...shareEncoding(limits.yMax), title: shareTitle }, PANEL_TICKS);
  const x = normAxisX(limits.xMax);
  const xScale = { domain: [0, limits.xMax], nice: false, zero: false };
  return [
    {
      transform: [{ filter: "datum.kind === 'bar'" }],
      mark: { type: 'bar', color: BAR_COLOR },
      encoding: {
        ...bars,
        x,
        tooltip: [
          { field: 'x0', title: 'norm from', format: '.4~f' },
          { field: 'x1', title: 'to', format: '.4~f' },
          { field: 'share', title: 'share of channels', format: '.1%' },
        ],
      },
    },
    {
      transform: [{ filter: "datum.kind === 'bound'" }],
      mark: { type: 'rule', color: BOUND_COLOR, strokeWidth: 1.5, strokeDash: [4, 3] },
      encoding: { x: { field: 'bound', type: 'quantitative', scale: xScale } },
    },
    {
      transform: [{ filter: "datum.kind === 'note'" }],
      // Top left: the bound rules (a max norm) are usually on the right.
      mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 10, color: '#444' },
      encoding: { text: { field: 'note' }, x: { value: 4 }, y: { value: 4 } },
    },
  ];
}

/** y of the norm histograms: the share of the layer's channels in each bin, over [0, yMax]. */
export function shareEncoding(yMax: number): PositionDef<string> {
  return {
    field: 'share',
    type: 'quantitative',
    title: 'share of channels',
    scale: { domain: [0, yMax], nice: false, zero: true },
    axis: { format: '~%', tickCount: 3 },
  };
}
