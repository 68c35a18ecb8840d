/**
 * What `penx train`, `penx compare` and `penx start` share: the backend started, the data read and
 * turned into tensors, the model checked, then each run trained with progress on stderr; a
 * comparison is drawn when there are several.
 *
 *   backend ─► data (IDX folder or bundled MNIST) ─► model checked ─► run 1 … run n ─► comparison figures
 */
import { join } from 'node:path';
import { claimFolder, drawComparison, type RunRecord } from '../../../src/node.ts';
import { loadData } from '../../data/mnist.ts';
import { prepare, runDir, trainRun } from '../../experiment/run.ts';
import type { Experiment, PenaltyRun } from '../../experiment/types.ts';
import type { BackendFlags } from '../backend-options.ts';
import { startBackend } from './backend.ts';
import { progressCallbacks } from './progress.ts';

/** Train `runs`; with `comparison`, into `<out>/<comparison>/<run>/` and draw the comparison there. */
export async function trainRuns(exp: Experiment, runs: readonly PenaltyRun[], flags: BackendFlags, comparison?: string): Promise<RunRecord[]> {
  const backend = await startBackend(flags);
  const set = loadData(exp.data.dir, { ...(exp.data.trainSize ? { trainSize: exp.data.trainSize } : {}), ...(exp.data.testSize ? { testSize: exp.data.testSize } : {}), seed: exp.seed });
  const data = await prepare(exp, set);
  try {
    const where = comparison === undefined ? join(exp.out, runs[0]?.name ?? '') : join(exp.out, comparison);
    if (comparison !== undefined) await claimFolder(where, exp, 'comparison folder');
    const what = runs.length === 1 ? (runs[0]?.penalty.spec ?? '') : `${runs.length} runs`;
    console.error(`training ${what} on ${set.train.count} images (${set.source}, ${set.shape.join('×')}, ${set.classes} classes), testing on ${set.test.count}, ${exp.epochs} epochs → ${where}`);
    const records: RunRecord[] = [];
    for (const [i, run] of runs.entries()) {
      const label = runs.length === 1 ? `[${run.penalty.spec}]` : `[${i + 1}/${runs.length} ${run.penalty.spec}${run.optimizer ? ` ${run.optimizer.split(':')[0]}` : ''}]`;
      // In a comparison each run resumes or starts fresh: the folder was cleared above when forced.
      const runExp = comparison === undefined ? exp : { ...exp, force: false, resume: true };
      records.push(
        await trainRun(runExp, run, i, data, backend, { callbacks: () => [progressCallbacks(label)], note: (m) => console.error(`${label} ${m}`) }, runDir(exp, run, comparison)),
      );
    }
    if (comparison !== undefined) await drawComparison(where, records, runs.map((r) => r.name));
    return records;
  } finally {
    data.dispose();
  }
}

/** One line per run: test accuracy and sparsity after the last epoch. */
export function printSummary(runs: readonly RunRecord[]): void {
  for (const r of runs) {
    const last = r.epochs.at(-1);
    if (!last) continue;
    const label = runs.some((o) => o.config.optimizer !== r.config.optimizer) ? `${r.config.penalty} ${r.config.optimizer.split(',')[0]}` : r.config.penalty;
    const acc = last.testAcc === null ? 'n/a' : last.testAcc.toFixed(4);
    console.log(`${label.padEnd(24)} test acc ${acc}  |w|<1e-3 ${(100 * last.sparsity.lt1e3).toFixed(1).padStart(5)}%  |w|<1e-2 ${(100 * last.sparsity.lt1e2).toFixed(1).padStart(5)}%`);
  }
}
