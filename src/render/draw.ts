/**
 * Drawing a run's (or a comparison's) figures and report into its folder, from run records only:
 *
 *   run folder:         epoch-EEE.png/.svg per snapshot, histograms.png, sparsity.png, report.html,
 *                       norms.png (channel-norm histograms: epochs × layers), norm-curves.png (mean
 *                       and max channel norm per layer), projected.png (with a norm constraint)
 *   comparison folder:  histograms.png (runs side by side per epoch), sparsity.png, accuracy.png,
 *                       prune-curve.png, norms.png (one grid per run, stacked, same axes),
 *                       norm-curves.png (all runs), projected.png (when a run has a norm
 *                       constraint), report.html
 *
 * The views over epochs (PNG and SVG, in both folders, in a run folder once the run has ended or
 * with `all`; see figures/views.ts): heatmap (histograms
 * over epochs), heatmap-log (log10|w| over epochs), ridgeline (offset), bands (percentiles), curves
 * (losses, penalty term, accuracy), penalty (λ·φ(w) and its slope), log-abs (log10|w| at the last
 * epoch, zeros apart); in a comparison folder also overlay and overlay-log (the runs' histograms at
 * the last epoch on one set of axes, linear and log density, penalties drawn faintly).
 *
 * A comparison's epochs (ComparisonOptions): the rows of histograms.png, more epochs to overlay the
 * runs at (overlay-, overlay-log- and log-abs-epoch-EEE each), the prune curves shown side by side.
 * They are checked before anything is written: an epoch no run recorded is refused (`epochGaps`).
 *
 * `binning` (bins and range) re-bins every histogram from the record's fine histograms (see
 * `rebinRun`), at the bins and range asked for.
 *
 * The norm figures need channel norms: records written before they were tracked get none of them,
 * and projected.png only exists when some run recorded a constraint's projections.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { type RunRecord, snapshots } from '../formats/index.ts';
import {
  accuracySpec,
  type BinningOptions,
  compareHistogramsSpec,
  compareNormsGridSpec,
  epochHistogramSpec,
  epochRanges,
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
  prunedEpochs,
  rebinRun,
  recordedEpochs,
  sparsitySpec,
  type ViewOptions,
  viewById,
  viewsOf,
} from '../viz/index.ts';
import { penaltyCurves } from './penalty-curves.ts';
import { writeFigure } from './render.ts';
import { writeReport } from './report-file.ts';

/**
 * The file name (without extension) of a per-epoch figure: the epoch zero-padded to three digits.
 *
 * @example
 * epochFile(7)   // 'epoch-007'
 */
export const epochFile = (epoch: number): string => `epoch-${String(epoch).padStart(3, '0')}`;

/** How to draw: every epoch's image or only the newest, and the histograms' bins and range. */
export interface DrawOptions {
  /** Every per-epoch image (default: only the newest snapshot's); each one drawn from the same spec before is kept. */
  readonly all?: boolean;
  /**
   * The figures over the epochs so far (histograms, layers, sparsity, prune curve, norms) too; default
   * true. A run in progress leaves them out between redraws: the newest epoch's image is drawn either way.
   */
  readonly summary?: boolean;
  /**
   * report.html too; default true. A run in progress redraws it with the figures over epochs (its cost
   * grows with the epochs, as theirs does). A run that has ended always gets it.
   */
  readonly report?: boolean;
  /** Bins and range of every histogram (default: the reference's 100 bins over [−1, 1]). */
  readonly binning?: Pick<BinningOptions, 'bins' | 'range'>;
}

/** Which epochs a comparison's figures show, besides its binning. */
export interface ComparisonOptions extends Pick<DrawOptions, 'binning'> {
  /** The rows of histograms.png (default: up to four spread over 0..the last epoch, both included). */
  readonly histogramEpochs?: readonly number[];
  /**
   * More epochs to overlay the runs at: `overlay-epoch-EEE` (linear density), `overlay-log-epoch-EEE`
   * (log density) and `log-abs-epoch-EEE` (log10|w|), PNG and SVG, each (overlay.png, overlay-log.png
   * and log-abs.png show the last epoch either way).
   */
  readonly overlayEpochs?: readonly number[];
  /** The prune curves measured after these epochs, side by side in prune-curve.png, or `all` of them (default: each run's latest). */
  readonly pruneEpochs?: readonly number[] | 'all';
}

/** The options of ComparisonOptions that name epochs. */
const EPOCH_OPTIONS = ['histogramEpochs', 'overlayEpochs', 'pruneEpochs'] as const;
/** An option of `ComparisonOptions` that names epochs: `histogramEpochs`, `overlayEpochs` or `pruneEpochs`. */
export type EpochOption = (typeof EPOCH_OPTIONS)[number];

/** Epochs an option asks for that no run recorded (for `pruneEpochs`: measured no prune curve after), and those recorded. */
export interface EpochGap {
  readonly option: EpochOption;
  readonly missing: readonly number[];
  readonly recorded: readonly number[];
}

/** The epochs of `options` no run recorded, per option (empty when every one is there; `all` prune curves never miss). */
export function epochGaps(runs: readonly RunRecord[], options: ComparisonOptions): EpochGap[] {
  const gap = (option: EpochOption, epochs: readonly number[] | 'all' | undefined, recorded: readonly number[]): EpochGap[] => {
    const missing = epochs === 'all' ? [] : (epochs ?? []).filter((e) => !recorded.includes(e));
    return missing.length ? [{ option, missing, recorded }] : [];
  };
  const snapped = recordedEpochs(runs);
  return [
    ...gap('histogramEpochs', options.histogramEpochs, snapped),
    ...gap('overlayEpochs', options.overlayEpochs, snapped),
    ...gap('pruneEpochs', options.pruneEpochs, prunedEpochs(runs)),
  ];
}

/** A gap in words, `what` naming the option (e.g. the flag it came from). */
export function epochGapText(gap: EpochGap, what: string): string {
  const s = gap.missing.length > 1 ? 's' : '';
  if (gap.option !== 'pruneEpochs') return `${what}: no run has epoch${s} ${gap.missing.join(', ')}; the runs have epochs ${epochRanges(gap.recorded)}`;
  const measured = gap.recorded.length
    ? `the runs measured one after epoch${gap.recorded.length > 1 ? 's' : ''} ${epochRanges(gap.recorded)}`
    : 'no run measured one';
  return `${what}: no run measured a prune curve after epoch${s} ${gap.missing.join(', ')}; ${measured}`;
}

/**
 * How the figures with an SVG file (each epoch's histogram, the views) are written: kept as they are
 * when drawn from the same spec before (`writeFigure`'s keepUnchanged), so a resumed run, a finished one
 * brought in line or `penx plot` draws only what changed (an epoch's histogram, drawn from its own
 * snapshot, does not: at epoch 40 of the reference run, drawing all 41 again took ≈ 4.5 s of CPU).
 */
const KEPT_IF_SAME = { svg: true, keepUnchanged: true } as const;

/** Writes `<dir>/<file>.png` and `.svg` for each view id (as `[file, id, options]`), each kept when its spec is unchanged. */
async function drawViews(
  dir: string,
  runs: RunRecord[],
  views: ReadonlyArray<readonly [string, string, ViewOptions?]>,
  binning: DrawOptions['binning'],
): Promise<void> {
  const { curves, missing } = await penaltyCurves(runs, binning?.range ? { range: binning.range } : {});
  for (const [file, id, options] of views) {
    const view = viewById(id);
    if (view) await writeFigure(join(dir, file), view.spec(runs, { ...binning, ...options }, { penalties: curves, missingPenalties: missing }), KEPT_IF_SAME);
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

/** The run's figures and report; the per-epoch image only for the newest snapshot unless `all`; the figures over epochs and the report as `options` say (both always once the run has ended). */
export async function drawRun(runDir: string, record: RunRecord, options: DrawOptions = {}): Promise<void> {
  const run = options.binning ? rebinRun(record, options.binning) : record;
  const snaps = snapshots(run);
  for (const s of options.all ? snaps : snaps.slice(-1)) {
    await writeFigure(join(runDir, epochFile(s.epoch)), epochHistogramSpec(run, s.epoch), KEPT_IF_SAME);
  }
  const ended = run.stopped !== undefined || run.endedEarly !== undefined || lastEpoch(run) >= run.config.epochs;
  if (options.summary !== false || options.all || ended) {
    // Log density: on a linear axis the ~1.2 M dense_1 weights near 0 hide every other bin.
    await writeFigure(join(runDir, 'histograms'), histogramGridSpec(run, { scale: 'log' }));
    // Layer by layer at the newest epoch, non-trainable weights apart and labelled.
    await writeFigure(join(runDir, 'layers'), layerHistogramSpec(run, lastEpoch(run)));
    await writeFigure(join(runDir, 'sparsity'), sparsitySpec([run]));
    // Every measured curve, a panel each (after epochs 10, 20 and 40, say), not only the latest.
    const pruned = prunedEpochs([run]);
    if (pruned.length) await writeFigure(join(runDir, 'prune-curve'), pruneCurveSpec([run], pruned.length > 1 ? { epochs: pruned } : {}));
    if (hasNorms(run)) {
      await writeFigure(join(runDir, 'norms'), normsGridSpec(run));
      await writeFigure(join(runDir, 'norm-curves'), normCurvesSpec([run]));
      if (hasProjections([run])) await writeFigure(join(runDir, 'projected'), projectedSpec([run]));
    }
  }
  // Drawn once the run has ended (they take a second or two; the report shows them each time it is drawn).
  if (options.all || ended) await drawViews(runDir, [run], [...OVER_EPOCHS, ...monitorFigures([run])], options.binning);
  if (options.report !== false || options.all || ended)
    await writeReport(join(runDir, 'report.html'), [run], { title: `penalty-explorer: ${run.config.name}` });
}

/** A comparison's figures and report, from its runs' records (its record, compare.json, is the run folders'); a UsageError, before anything is written, for an epoch no run recorded. */
export async function drawComparison(dir: string, records: readonly RunRecord[], options: ComparisonOptions = {}): Promise<void> {
  const empty = EPOCH_OPTIONS.filter((o) => options[o]?.length === 0);
  if (empty.length) throw new UsageError(`${empty.join(', ')}: give at least one epoch, or leave it out for the default`);
  const gaps = epochGaps(records, options);
  if (gaps.length) throw new UsageError(gaps.map((g) => epochGapText(g, g.option)).join('; '));
  const runs = options.binning ? records.map((r) => rebinRun(r, options.binning ?? {})) : records;
  const histogramEpochs = options.histogramEpochs ? { epochs: [...options.histogramEpochs] } : {};
  const pruneEpochs = options.pruneEpochs === 'all' ? prunedEpochs(runs) : options.pruneEpochs;
  await writeFigure(join(dir, 'histograms'), compareHistogramsSpec([...runs], histogramEpochs));
  await writeFigure(join(dir, 'sparsity'), sparsitySpec([...runs]));
  await writeFigure(join(dir, 'accuracy'), accuracySpec([...runs]));
  if (hasPruneCurve(runs)) await writeFigure(join(dir, 'prune-curve'), pruneCurveSpec([...runs], pruneEpochs ? { epochs: pruneEpochs } : {}));
  if (runs.some(hasNorms)) {
    await writeFigure(join(dir, 'norms'), compareNormsGridSpec([...runs]));
    await writeFigure(join(dir, 'norm-curves'), normCurvesSpec([...runs]));
    if (hasProjections(runs)) await writeFigure(join(dir, 'projected'), projectedSpec([...runs]));
  }
  const atEpochs = (options.overlayEpochs ?? []).flatMap((epoch) => {
    const at = epochFile(epoch);
    return [
      [`overlay-${at}`, 'overlay', { epoch }],
      [`overlay-log-${at}`, 'overlay', { epoch, scale: 'log' }],
      [`log-abs-${at}`, 'log-abs', { epoch }],
    ] as const;
  });
  await drawViews(
    dir,
    [...runs],
    [['overlay', 'overlay'], ['overlay-log', 'overlay', { scale: 'log' }], ...atEpochs, ...OVER_EPOCHS, ...monitorFigures(runs)],
    options.binning,
  );
  await writeReport(join(dir, 'report.html'), [...runs], { title: 'penalty-explorer: comparison' });
}
