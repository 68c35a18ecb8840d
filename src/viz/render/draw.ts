/**
 * Drawing a run's (or a comparison's) figures and report into its folder, from run records only:
 *
 *   run folder:         epoch-EEE.png/.svg per snapshot, histograms.png, sparsity.png, report.html,
 *                       norms.png (channel-norm histograms: epochs × layers), norm-curves.png (mean
 *                       and max channel norm per layer), projected.png (with a norm constraint)
 *   comparison folder:  histograms.png (runs side by side per epoch), sparsity.png, accuracy.png,
 *                       norms.png (one grid per run, stacked, same axes), norm-curves.png (all runs),
 *                       projected.png (when a run has a norm constraint), report.html,
 *                       compare.json (the runs, in order)
 *
 * The norm figures need channel norms: records written before they were tracked get none of them,
 * and projected.png only exists when some run recorded a constraint's projections.
 */
import { join } from 'node:path';
import {
  accuracySpec,
  compareHistogramsSpec,
  compareNormsGridSpec,
  epochHistogramSpec,
  hasNorms,
  hasProjections,
  histogramGridSpec,
  normCurvesSpec,
  normsGridSpec,
  projectedSpec,
  sparsitySpec,
} from '../figures/index.ts';
import { writeFigure } from './render.ts';
import { writeReport } from './report-file.ts';
import { snapshots, type RunRecord } from '../../record/schema.ts';
import { writeFileAtomic } from '../../io/atomic.ts';

export const epochFile = (epoch: number) => `epoch-${String(epoch).padStart(3, '0')}`;

/** The run's figures; the per-epoch image only for the newest snapshot unless `all`. */
export async function drawRun(runDir: string, run: RunRecord, options: { all?: boolean } = {}): Promise<void> {
  const snaps = snapshots(run);
  for (const s of options.all ? snaps : snaps.slice(-1)) {
    await writeFigure(join(runDir, epochFile(s.epoch)), epochHistogramSpec(run, s.epoch), { svg: true });
  }
  // Log density: on a linear axis the ~1.2 M dense_1 weights near 0 hide every other bin.
  await writeFigure(join(runDir, 'histograms'), histogramGridSpec(run, { scale: 'log' }));
  await writeFigure(join(runDir, 'sparsity'), sparsitySpec([run]));
  if (hasNorms(run)) {
    await writeFigure(join(runDir, 'norms'), normsGridSpec(run));
    await writeFigure(join(runDir, 'norm-curves'), normCurvesSpec([run]));
    if (hasProjections([run])) await writeFigure(join(runDir, 'projected'), projectedSpec([run]));
  }
  await writeReport(join(runDir, 'report.html'), [run], { title: `penalty-explorer: ${run.config.name}` });
}

export async function drawComparison(dir: string, runs: readonly RunRecord[], runNames: readonly string[]): Promise<void> {
  await writeFigure(join(dir, 'histograms'), compareHistogramsSpec([...runs]));
  await writeFigure(join(dir, 'sparsity'), sparsitySpec([...runs]));
  await writeFigure(join(dir, 'accuracy'), accuracySpec([...runs]));
  if (runs.some(hasNorms)) {
    await writeFigure(join(dir, 'norms'), compareNormsGridSpec([...runs]));
    await writeFigure(join(dir, 'norm-curves'), normCurvesSpec([...runs]));
    if (hasProjections(runs)) await writeFigure(join(dir, 'projected'), projectedSpec([...runs]));
  }
  await writeReport(join(dir, 'report.html'), [...runs], { title: 'penalty-explorer: comparison' });
  await writeFileAtomic(join(dir, 'compare.json'), JSON.stringify({ format: 'penalty-explorer/compare@1', runs: runNames }, null, 1));
}
