/**
 * How hard a norm constraint works: per layer, the share of the kernel's output channels
 * (slices along its last axis) in which the constraint changed a weight, averaged over each epoch's steps (`projected` in the record), one colour
 * per run, on one y scale for all layers. Without a constraint there is nothing to show: the spec
 * then only says so in its title (`no norm constraint`), and `drawRun`/`drawComparison` skip the
 * figure (see `hasProjections`).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { EPOCH_ENCODING } from './axes.ts';
import { maxOf } from './extent.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { niceMax } from './histogram-scale.ts';
import { constraintLines, hasProjections, layerFacet, normLayers, rowNormsNote, snapshotNorms } from './norms-data.ts';
import { emptyFigure } from './norms-grid.ts';
import { CONFIG, figureHead, runColor, SHARED_SCALES } from './theme.ts';

const PANEL = { width: 210, height: 130 } as const;

/**
 * How hard the runs' norm constraints work: per layer, the share of output channels the constraint
 * changed, averaged over each epoch's steps (see the file's comment).
 *
 * @example
 * projectedSpec(records)   // a Vega-Lite spec; without a constraint, one that says so in its title
 */
export function projectedSpec(runs: RunRecord[]): TopLevelSpec {
  const title = 'Constraint projections';
  if (!hasProjections(runs)) return emptyFigure(`${title} — no norm constraint`, "no run recorded a norm constraint's projections");
  const labels = runLabels(runs);
  const layers = normLayers(runs);
  const values = runs.flatMap((run, i) =>
    run.epochs.flatMap((e) =>
      snapshotNorms(e).flatMap((n) =>
        n.projected === undefined ? [] : [{ panel: layers.indexOf(n.layer), run: labels[i], epoch: e.epoch, projected: n.projected }],
      ),
    ),
  );
  const top = Math.min(1, niceMax(maxOf(values.map((v) => v.projected))));
  const constraints = constraintLines(runs, labels, 'any');
  const color = { ...runColor(labels), title: runLabelsTitle(runs) };
  return shownSpec({
    ...figureHead(title, [
      `share of each kernel's output channels (last axis)${rowNormsNote(runs)} in which the constraint changed a weight after an update, mean over the epoch's steps`,
      ...constraints,
    ]),
    data: { values },
    ...layerFacet(layers),
    spec: {
      ...PANEL,
      encoding: {
        x: EPOCH_ENCODING,
        y: {
          field: 'projected',
          type: 'quantitative',
          title: 'projected share',
          scale: { domain: [0, top], nice: false, zero: true },
          axis: { format: '~%', tickCount: 4 },
        },
        color,
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 2 } },
        {
          mark: { type: 'point', filled: true, size: 28, opacity: 1 },
          encoding: { tooltip: [{ field: 'run', title: runLabelsTitle(runs) }, { field: 'epoch' }, { field: 'projected', title: 'projected', format: '.2%' }] },
        },
      ],
    },
    resolve: SHARED_SCALES,
    config: CONFIG,
  } as TopLevelSpec);
}
