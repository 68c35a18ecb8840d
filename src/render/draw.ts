/**
 * Drawing a run's (or a comparison's) figures and report into its folder, from run records only:
 *
 *   run folder:         epoch-EEE.png/.svg per snapshot, histograms.png, sparsity.png, report.html,
 *                       norms.png (channel-norm histograms: epochs × layers), norm-curves.png (mean
 *                       and max channel norm per layer), projected.png (with a norm constraint)
 *   comparison folder:  histograms.png (runs side by side per epoch), sparsity.png, accuracy.png,
 *                       norms.png (one grid per run, stacked, same axes), norm-curves.png (all runs),
 *                       projected.png (when a run has a norm constraint), report.html
 *
 * The views over epochs (PNG and SVG, in both folders, in a run folder once the run has ended or
 * with `all`; see figures/views.ts): heatmap (histograms
 * over epochs), heatmap-log (log10|w| over epochs), ridgeline (offset), bands (percentiles), curves
 * (losses, penalty term, accuracy), penalty (λ·φ(w) and its slope), log-abs (log10|w| at the last
 * epoch, zeros apart); in a comparison folder also overlay and overlay-log (the runs' histograms at
 * the last epoch on one set of axes, linear and log density, penalties drawn faintly).
 *
 * `binning` (bins and range) re-bins every histogram from the record's fine histograms (see
 * `rebinRun`), at the bins and range asked for.
 *
 * The norm figures need channel norms: records written before they were tracked get none of them,
 * and projected.png only exists when some run recorded a constraint's projections.
 */
import { join } from 'node:path';
import { type RunRecord, snapshots } from '../formats/index.ts';
import {
  accuracySpec,
  type BinningOptions,
  compareHistogramsSpec,
  compareNormsGridSpec,
  epochHistogramSpec,
  hasNorms,
  hasProjections,
  hasPruneCurve,
  histogramGridSpec,
  lastEpoch,
  layerHistogramSpec,
  MONITOR_VIEW,
  normCurvesSpec,
  normsGridSpec,
  projectedSpec,
  pruneCurveSpec,
  rebinRun,
  sparsitySpec,
  type ViewOptions,
  viewById,
  viewsOf,
} from '../viz/index.ts';
import { penaltyCurves } from './penalty-curves.ts';
import { writeFigure } from './render.ts';
import { writeReport } from './report-file.ts';

export const epochFile = (epoch: number) => `epoch-${String(epoch).padStart(3, '0')}`;

/** How to draw: every epoch's image or only the newest, and the histograms' bins and range. */
export interface DrawOptions {
  /** Every per-epoch image (default: only the newest snapshot's). */
  readonly all?: boolean;
  /** Bins and range of every histogram (default: the reference's 100 bins over [−1, 1]). */
  readonly binning?: Pick<BinningOptions, 'bins' | 'range'>;
}

/** Writes `<dir>/<file>.png` and `.svg` for each view id (as `[file, id, options]`). */
async function drawViews(
  dir: string,
  runs: RunRecord[],
  views: ReadonlyArray<readonly [string, string, ViewOptions?]>,
  binning: DrawOptions['binning'],
): Promise<void> {
  const { curves, missing } = await penaltyCurves(runs, binning?.range ? { range: binning.range } : {});
  for (const [file, id, options] of views) {
    const view = viewById(id);
    if (view) await writeFigure(join(dir, file), view.spec(runs, { ...binning, ...options }, { penalties: curves, missingPenalties: missing }), { svg: true });
  }
}

/** The views over epochs of a run folder (and of a comparison folder). */
const OVER_EPOCHS = [
  ['heatmap', 'heatmap'],
  ['heatmap-log', 'heatmap-log'],
  ['ridgeline', 'ridgeline'],
  ['bands', 'bands'],
  ['curves', 'curves'],
  ['penalty', 'penalty'],
  ['log-abs', 'log-abs'],
] as const;

/** The views the runs' user monitors bring, each to `monitor-NAME.png` and `.svg`. */
function monitorFigures(runs: readonly RunRecord[]): Array<readonly [string, string]> {
  return viewsOf(runs)
    .filter((v) => v.id.startsWith(MONITOR_VIEW))
    .map((v) => [v.id, v.id] as const);
}

/** The run's figures; the per-epoch image only for the newest snapshot unless `all`. */
export async function drawRun(runDir: string, record: RunRecord, options: DrawOptions = {}): Promise<void> {
  const run = options.binning ? rebinRun(record, options.binning) : record;
  const snaps = snapshots(run);
  for (const s of options.all ? snaps : snaps.slice(-1)) {
    await writeFigure(join(runDir, epochFile(s.epoch)), epochHistogramSpec(run, s.epoch), { svg: true });
  }
  // Log density: on a linear axis the ~1.2 M dense_1 weights near 0 hide every other bin.
  await writeFigure(join(runDir, 'histograms'), histogramGridSpec(run, { scale: 'log' }));
  // Layer by layer at the newest epoch, non-trainable weights apart and labelled.
  await writeFigure(join(runDir, 'layers'), layerHistogramSpec(run, lastEpoch(run)));
  await writeFigure(join(runDir, 'sparsity'), sparsitySpec([run]));
  if (hasPruneCurve([run])) await writeFigure(join(runDir, 'prune-curve'), pruneCurveSpec([run]));
  if (hasNorms(run)) {
    await writeFigure(join(runDir, 'norms'), normsGridSpec(run));
    await writeFigure(join(runDir, 'norm-curves'), normCurvesSpec([run]));
    if (hasProjections([run])) await writeFigure(join(runDir, 'projected'), projectedSpec([run]));
  }
  // Drawn once the run has ended (they take a second or two; the report shows them every epoch).
  if (options.all || run.stopped || lastEpoch(run) >= run.config.epochs)
    await drawViews(runDir, [run], [...OVER_EPOCHS, ...monitorFigures([run])], options.binning);
  await writeReport(join(runDir, 'report.html'), [run], { title: `penalty-explorer: ${run.config.name}` });
}

/** A comparison's figures and report, from its runs' records (its record, compare.json, is the run folders'). */
export async function drawComparison(dir: string, records: readonly RunRecord[], options: Pick<DrawOptions, 'binning'> = {}): Promise<void> {
  const runs = options.binning ? records.map((r) => rebinRun(r, options.binning ?? {})) : records;
  await writeFigure(join(dir, 'histograms'), compareHistogramsSpec([...runs]));
  await writeFigure(join(dir, 'sparsity'), sparsitySpec([...runs]));
  await writeFigure(join(dir, 'accuracy'), accuracySpec([...runs]));
  if (hasPruneCurve(runs)) await writeFigure(join(dir, 'prune-curve'), pruneCurveSpec([...runs]));
  if (runs.some(hasNorms)) {
    await writeFigure(join(dir, 'norms'), compareNormsGridSpec([...runs]));
    await writeFigure(join(dir, 'norm-curves'), normCurvesSpec([...runs]));
    if (hasProjections(runs)) await writeFigure(join(dir, 'projected'), projectedSpec([...runs]));
  }
  await drawViews(
    dir,
    [...runs],
    [['overlay', 'overlay'], ['overlay-log', 'overlay', { scale: 'log' }], ...OVER_EPOCHS, ...monitorFigures(runs)],
    options.binning,
  );
  await writeReport(join(dir, 'report.html'), [...runs], { title: 'penalty-explorer: comparison' });
}
