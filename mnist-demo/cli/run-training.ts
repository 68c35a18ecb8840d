/**
 * Training one run from checked settings, as `penx train` and `penx compare` do: data loaded and
 * checked first, then the trainer with progress on stderr and figures after every snapshot.
 */
import { join } from 'node:path';
import type { BackendInfo, PenaltyRegularizer } from '../../src/index.ts';
import type { Mnist } from '../data/mnist.ts';
import { drawRun } from '../draw.ts';
import type { RunRecord } from '../run-record.ts';
import { trainRun } from '../train/trainer.ts';
import { progressHooks } from './progress.ts';
import { versions, type TrainingSettings } from './training-options.ts';

export interface RunRequest {
  readonly penalty: PenaltyRegularizer;
  readonly penaltyModule?: string;
  readonly name: string;
  readonly dir: string;
  /** Shown before progress lines, e.g. `[2/6 l1:1e-4]`. */
  readonly label: string;
}

export async function runTraining(req: RunRequest, s: TrainingSettings, data: Mnist, backend: BackendInfo): Promise<RunRecord> {
  const progress = progressHooks(req.label);
  try {
    return await trainRun(
      {
        ...s,
        runDir: req.dir,
        name: req.name,
        penalty: req.penalty,
        ...(req.penaltyModule ? { penaltyModule: req.penaltyModule } : {}),
        data,
        backend,
        versions: versions(),
      },
      {
        onStart: (_run, from) => {
          if (from > 0) console.error(`${req.label} resuming after epoch ${from}`);
        },
        onBatch: progress.onBatch,
        afterSnapshot: async (dir, run) => {
          progress.stop();
          const last = run.epochs.at(-1);
          const snap = last ?? run.initial;
          console.error(
            `${req.label} epoch ${snap.epoch}: test loss ${snap.testLoss.toFixed(4)} acc ${snap.testAcc.toFixed(4)}` +
              (last ? ` | train loss ${last.trainLoss.toFixed(4)} penalty ${last.penaltyLoss.toFixed(5)} | ${last.seconds.toFixed(1)} s` : ' (untrained)') +
              ` | |w|<1e-3: ${(100 * snap.sparsity.lt1e3).toFixed(1)}%`,
          );
          await drawRun(dir, run);
        },
      },
    );
  } finally {
    progress.stop();
  }
}

export function runDirOf(out: string, name: string): string {
  return join(out, name);
}
