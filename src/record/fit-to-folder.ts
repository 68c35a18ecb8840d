/**
 * `fit` with a run folder, as `penx train` uses it (Node only):
 *
 *   folder claimed (new, resume, or force) ─► resume: checkpoint/ found, settings compared
 *   ─► fit(…) with callbacks:  epoch 0 ─► run.json, figures
 *                              resume  ─► weights and optimiser state restored before the first batch
 *                              epoch E ─► checkpoint/ ─► run.json ─► figures and report
 *   ─► NaN/∞: run.json keeps the finished epochs and says where the run stopped
 *
 * The checkpoint holds the exact weights and optimiser state and batches depend only on
 * (seed, epoch), so a resumed run ends with the same weights as an uninterrupted one.
 *
 * @example
 * const record = await fitToFolder(model, { x, y }, { dir: 'runs/mine', epochs: 10, validationData: { x: xt, y: yt } });
 */
import { SpecError } from '../spec/errors.ts';
import type { tf } from '../tf.ts';
import { DivergedError } from '../training/diverged.ts';
import type { FitData } from '../training/fit-data.ts';
import { fit, runConfig, type FitOptions } from '../training/fit.ts';
import { drawRun } from '../viz/render/draw.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { ResumeMismatchError } from './errors.ts';
import { claimFolder, hasContent, writeRunJson, type FolderPolicy } from './folder.ts';
import type { RunConfig, RunRecord } from './schema.ts';

export interface FolderOptions extends FitOptions, FolderPolicy {
  /** The run folder. */
  readonly dir: string;
  /** Draw the figures and report.html after every epoch; default true. */
  readonly figures?: boolean;
}

/** The settings that must agree for a run to be resumed (epochs may grow). */
const RESUME_KEYS = ['penalty', 'constraint', 'penalizeBias', 'optimizer', 'lrMult', 'grad', 'freeze', 'loss', 'trackNorms', 'batchSize', 'seed', 'trainSize', 'testSize', 'data', 'backend'] as const satisfies ReadonlyArray<keyof RunConfig>;

/** Train with `fit`, keeping the run folder `options.dir` up to date after every epoch; resumable. */
export async function fitToFolder(model: tf.LayersModel, data: FitData, options: FolderOptions): Promise<RunRecord> {
  const { dir } = options;
  await claimFolder(dir, options, 'run folder');
  const checkpoint = options.resume ? await loadCheckpoint(dir) : undefined;
  if (options.resume && !checkpoint && hasContent(dir)) throw new SpecError(`cannot resume ${dir}: it has no checkpoint (no epoch finished); start it over`);
  if (checkpoint) {
    const now = runConfig(model, data, options);
    for (const key of RESUME_KEYS) {
      if (JSON.stringify(checkpoint.run.config[key]) !== JSON.stringify(now[key])) throw new ResumeMismatchError(dir, key, checkpoint.run.config[key], now[key]);
    }
  }
  const draw = options.figures ?? true;
  try {
    return await fit(model, data, {
      ...options,
      ...(checkpoint ? { from: checkpoint.run } : {}),
      callbacks: [
        {
          onTrainBegin: async (_record, ctx) => {
            if (checkpoint) await checkpoint.restore(ctx.model, ctx.optimizer);
          },
          onEpochEnd: async (epoch, record, ctx) => {
            if (epoch > 0) await saveCheckpoint(dir, ctx.model, ctx.optimizer, record);
            await writeRunJson(dir, record);
            if (draw) await drawRun(dir, record);
          },
        },
        ...(options.callbacks ?? []),
      ],
    });
  } catch (err) {
    if (err instanceof DivergedError) await writeRunJson(dir, err.record);
    throw err;
  }
}
