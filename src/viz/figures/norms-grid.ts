/**
 * Histograms of one run's kernel output-channel norms: rows = epochs, columns = layers, each layer
 * on its own norm axis ([0, xMax of the layer]) and every cell on one share axis ([0, yMax]), given
 * or computed from the data (a given `xMax` applies to every column, so two runs drawn with the same
 * `xMax`/`yMax` compare cell by cell). A norm constraint's bounds are drawn as vertical rules, and
 * each cell notes the share of output channels (last axis) in which the constraint changed a weight
 * during that epoch (and how many norms lie beyond xMax, if any).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { shownSpec } from './format.ts';
import { layerNormLimits, normsColumns } from './norms-columns.ts';
import { constraintText, type NormLimitOptions, normEpochs, normLayers, otherSlicesLines, rowNormsNote, unknownAxesLines } from './norms-data.ts';
import { CONFIG, figureHead, SIZE } from './theme.ts';

/** `normsGridSpec`'s options: the epochs (rows) and the axes' limits. */
export interface NormsGridOptions extends NormLimitOptions {
  /** The epochs to show (rows); default: all, or up to `most` spread over 0..N. */
  readonly epochs?: number[];
  /** Rows at most when epochs are not given; default 6. */
  readonly most?: number;
}

const CELL = { width: 170, height: 90 } as const;

/** The subtitle lines about the constraint's rules, and the panels without one (`otherSlicesLines`); the layers whose norms' axes are unknown (`unknownAxesLines`). */
function boundsLines(run: RunRecord): string[] {
  const text = constraintText(run, 'bounded');
  const rules = text ? [`red rules: bounds of ${text}, in the panels whose norms they bound`, ...otherSlicesLines([run], [run.config.name])] : [];
  return [...rules, ...unknownAxesLines([run], [run.config.name])];
}

/** A figure saying there is nothing to draw (records from before channel norms were recorded). */
export function emptyFigure(title: string, why: string): TopLevelSpec {
  return shownSpec({
    ...figureHead(title),
    ...SIZE.line,
    height: 40,
    data: { values: [{ why }] },
    mark: { type: 'text', align: 'left', fontSize: 12, color: '#666' },
    encoding: { text: { field: 'why' }, x: { value: 0 }, y: { value: 20 } },
    config: { ...CONFIG, view: { stroke: null } },
  });
}

/** The note of a figure of channel norms drawn from a record without them. */
export const NO_NORMS = 'this record has no channel norms (written before they were tracked)';

/**
 * The grid of one run: rows = epochs, columns = layers (each on its own norm axis), one share axis.
 *
 * @example normsGridSpec(run, { epochs: [0, 10, 40] })
 */
export function normsGridSpec(run: RunRecord, options: NormsGridOptions = {}): TopLevelSpec {
  const title = `Channel norms per layer — ${run.config.name}`;
  if (!normLayers([run]).length) return emptyFigure(title, NO_NORMS);
  const epochs = options.epochs ?? normEpochs([run], options.most ?? 6);
  const rows = epochs.map((epoch) => ({ run, epoch }));
  const limits = layerNormLimits(rows, options);
  return shownSpec({
    ...figureHead(title, [
      penaltyLine(run),
      `L2 norm of each output channel of each kernel${rowNormsNote([run])} · rows: epochs (0 = initial) · columns: layers, each on its own norm axis · y: share of the layer's channels, 0–${Math.round(100 * limits.yMax)} % in every cell`,
      ...boundsLines(run),
    ]),
    hconcat: normsColumns(
      rows,
      epochs.map((e) => `epoch=${e}`),
      limits,
      CELL,
      options.bins,
    ),
    spacing: 14,
    config: CONFIG,
  } as TopLevelSpec);
}
