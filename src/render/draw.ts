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
import type { TopLevelSpec } from 'vega-lite';
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
import { type FigureOptions, figureFiles, writeFigure } from './render.ts';
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
 * brought in line or a redraw (`drawRun` again) draws only what changed (an epoch's histogram, drawn from its own
 * snapshot, does not: at epoch 40 of the reference run, drawing all 41 again took ≈ 4.5 s of CPU).
 */
const KEPT_IF_SAME = { svg: true, keepUnchanged: true } as const;

/** One step of a drawing: the files it writes (relative to the folder) and the writing, into a folder. */
interface Step {
  readonly files: readonly string[];
  readonly write: (dir: string) => Promise<unknown>;
}

/**
 * What drawing a folder's figures and report writes, and the drawing: its `files` (names relative
 * to the folder, in the order written) are exactly those `draw` writes, so a command checks them
 * before it draws (`checkWrites`) from the same steps that draw them.
 *
 * @example
 * const drawing = runDrawing(record, { all: true });
 * drawing.files   // ['epoch-000.png', 'epoch-000.svg', …, 'histograms.png', …, 'report.html']
 * await drawing.draw('runs/l1');
 */
export interface FolderDrawing {
  readonly files: readonly string[];
  draw(dir: string): Promise<void>;
}

/** The drawing of `steps`, one after the other. */
function drawingOf(steps: readonly Step[]): FolderDrawing {
  return {
    files: steps.flatMap((s) => s.files),
    draw: async (dir) => {
      for (const step of steps) await step.write(dir);
    },
  };
}

/** The step writing the figure `file` (without extension), its spec made only when it is drawn. */
function figure(file: string, spec: () => TopLevelSpec | Promise<TopLevelSpec>, options?: FigureOptions): Step {
  return { files: figureFiles(file, options), write: async (dir) => writeFigure(join(dir, file), await spec(), options) };
}

/** A folder's report page. */
const REPORT = 'report.html';

/** The step writing report.html of `runs`. */
function report(runs: RunRecord[], title: string): Step {
  return { files: [REPORT], write: (dir) => writeReport(join(dir, REPORT), runs, { title }) };
}

/** The steps writing `<file>.png` and `.svg` for each view id (as `[file, id, options]`), each kept when its spec is unchanged. */
function viewSteps(runs: RunRecord[], views: ReadonlyArray<readonly [string, string, ViewOptions?]>, binning: DrawOptions['binning']): Step[] {
  // The runs' penalty curves, sampled once, when the first view is drawn.
  let sampled: ReturnType<typeof penaltyCurves> | undefined;
  const curves = () => (sampled ??= penaltyCurves(runs, binning?.range ? { range: binning.range } : {}));
  return views.flatMap(([file, id, options]) => {
    const view = viewById(id);
    if (!view) return [];
    const spec = async () => {
      const { curves: penalties, missing } = await curves();
      return view.spec(runs, { ...binning, ...options }, { penalties, missingPenalties: missing });
    };
    return [figure(file, spec, KEPT_IF_SAME)];
  });
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

/**
 * Whether the run of `record` has ended: its last epoch done, ended early by a callback, or stopped
 * (diverged). `drawRun` then draws everything: the figures over epochs, the views and the report.
 *
 * @example
 * runEnded({ ...record, config: { ...record.config, epochs: 3 }, epochs: [e1, e2] })   // false: epoch 3 is to come
 */
export function runEnded(record: RunRecord): boolean {
  return record.stopped !== undefined || record.endedEarly !== undefined || lastEpoch(record) >= record.config.epochs;
}

/** What `drawRun` writes (`files`) and the drawing itself (see `drawRun`). */
export function runDrawing(record: RunRecord, options: DrawOptions = {}): FolderDrawing {
  const run = options.binning ? rebinRun(record, options.binning) : record;
  const snaps = snapshots(run);
  const steps: Step[] = (options.all ? snaps : snaps.slice(-1)).map((s) => figure(epochFile(s.epoch), () => epochHistogramSpec(run, s.epoch), KEPT_IF_SAME));
  const ended = runEnded(run);
  if (options.summary !== false || options.all || ended) {
    // Log density: on a linear axis the ~1.2 M dense_1 weights near 0 hide every other bin.
    steps.push(figure('histograms', () => histogramGridSpec(run, { scale: 'log' })));
    // Layer by layer at the newest epoch, non-trainable weights apart and labelled.
    steps.push(figure('layers', () => layerHistogramSpec(run, lastEpoch(run))));
    steps.push(figure('sparsity', () => sparsitySpec([run])));
    // Every measured curve, a panel each (after epochs 10, 20 and 40, say), not only the latest.
    const pruned = prunedEpochs([run]);
    if (pruned.length) steps.push(figure('prune-curve', () => pruneCurveSpec([run], pruned.length > 1 ? { epochs: pruned } : {})));
    if (hasNorms(run)) {
      steps.push(
        figure('norms', () => normsGridSpec(run)),
        figure('norm-curves', () => normCurvesSpec([run])),
      );
      if (hasProjections([run])) steps.push(figure('projected', () => projectedSpec([run])));
    }
  }
  // Drawn once the run has ended (they take a second or two; the report shows them each time it is drawn).
  if (options.all || ended) steps.push(...viewSteps([run], [...OVER_EPOCHS, ...monitorFigures([run])], options.binning));
  if (options.report !== false || options.all || ended) steps.push(report([run], `penalty-explorer: ${run.config.name}`));
  return drawingOf(steps);
}

/** The run's figures and report; the per-epoch image only for the newest snapshot unless `all`; the figures over epochs and the report as `options` say (both always once the run has ended). */
export async function drawRun(runDir: string, record: RunRecord, options: DrawOptions = {}): Promise<void> {
  await runDrawing(record, options).draw(runDir);
}

/** What `drawComparison` writes (`files`) and the drawing itself; a UsageError, before anything is written, for an epoch no run recorded. */
export function comparisonDrawing(records: readonly RunRecord[], options: ComparisonOptions = {}): FolderDrawing {
  const empty = EPOCH_OPTIONS.filter((o) => options[o]?.length === 0);
  if (empty.length) throw new UsageError(`${empty.join(', ')}: give at least one epoch, or leave it out for the default`);
  const gaps = epochGaps(records, options);
  if (gaps.length) throw new UsageError(gaps.map((g) => epochGapText(g, g.option)).join('; '));
  const runs = options.binning ? records.map((r) => rebinRun(r, options.binning ?? {})) : [...records];
  const histogramEpochs = options.histogramEpochs ? { epochs: [...options.histogramEpochs] } : {};
  const pruneEpochs = options.pruneEpochs === 'all' ? prunedEpochs(runs) : options.pruneEpochs;
  const steps: Step[] = [
    figure('histograms', () => compareHistogramsSpec(runs, histogramEpochs)),
    figure('sparsity', () => sparsitySpec(runs)),
    figure('accuracy', () => accuracySpec(runs)),
  ];
  if (hasPruneCurve(runs)) steps.push(figure('prune-curve', () => pruneCurveSpec(runs, pruneEpochs ? { epochs: pruneEpochs } : {})));
  if (runs.some(hasNorms)) {
    steps.push(
      figure('norms', () => compareNormsGridSpec(runs)),
      figure('norm-curves', () => normCurvesSpec(runs)),
    );
    if (hasProjections(runs)) steps.push(figure('projected', () => projectedSpec(runs)));
  }
  const atEpochs = (options.overlayEpochs ?? []).flatMap((epoch) => {
    const at = epochFile(epoch);
    return [
      [`overlay-${at}`, 'overlay', { epoch }],
      [`overlay-log-${at}`, 'overlay', { epoch, scale: 'log' }],
      [`log-abs-${at}`, 'log-abs', { epoch }],
    ] as const;
  });
  const views = [['overlay', 'overlay'], ['overlay-log', 'overlay', { scale: 'log' }], ...atEpochs, ...OVER_EPOCHS, ...monitorFigures(runs)] as const;
  steps.push(...viewSteps(runs, views, options.binning), report(runs, 'penalty-explorer: comparison'));
  return drawingOf(steps);
}

/** A comparison's figures and report, from its runs' records (its record, compare.json, is the run folders'); a UsageError, before anything is written, for an epoch no run recorded. */
export async function drawComparison(dir: string, records: readonly RunRecord[], options: ComparisonOptions = {}): Promise<void> {
  await comparisonDrawing(records, options).draw(dir);
}
