/**
 * The config a run's record gets (`run.json`'s `config`): the model, its penalties and constraints,
 * the optimiser and controls, the loss and metrics, the data's sizes, the seed, and where the run ran
 * (backend, threads, gradients, versions: `options.info`, as `fit` cannot see it).
 *
 *   model ─► weights, penalties, constraints (run-config.ts) ─► optimiser label ─► loss, metrics
 *   ─► sizes (fit-split.ts; or given: runConfigOfSizes) ─► seed (fit-resume.ts) ─► info
 */

import type { RunConfig } from '../formats/index.ts';
import { monitorInfos } from '../monitor/index.ts';
import { describeLayerControls } from '../optim/index.ts';
import { tf } from '../tf.ts';
import { metricNames } from './evaluate.ts';
import { type FitData, isTensorData } from './fit-data.ts';
import { optimizerLabel } from './fit-optimizer.ts';
import { DEFAULT_BATCH, type FitOptions } from './fit-options.ts';
import { seedOf } from './fit-resume.ts';
import { splitSizes } from './fit-split.ts';
import { localGradients } from './gradients.ts';
import { objectiveOf } from './objective.ts';
import { modelInfo, penaltyFields, recordedModelName } from './run-config.ts';

/** The config a fresh run's record gets (also what a resumed run must agree with). */
export function runConfig(model: tf.LayersModel, data: FitData, options: FitOptions): RunConfig {
  return runConfigOfSizes(model, splitSizes(model, data, options), options, isTensorData(data) ? 'tensors' : 'dataset');
}

/**
 * runConfig's config for data of `sizes` samples (training, validation) that is not at hand (not
 * checked against the model): what a resume is compared with before the data's tensors are made.
 * `kind` is the data's when `options.info.data` does not name it.
 *
 * @example
 * runConfigOfSizes(model, { train: 60000, validation: 10000 }, { epochs: 2, seed: 42 }).trainSize   // 60000
 */
export function runConfigOfSizes(
  model: tf.LayersModel,
  sizes: { readonly train: number; readonly validation: number },
  options: FitOptions,
  kind: 'tensors' | 'dataset' = 'tensors',
): RunConfig {
  const info = options.info ?? {};
  const strategy = options.gradients ?? localGradients;
  const controls = options.controls ? describeLayerControls(options.controls) : {};
  const objective = objectiveOf(model, options.loss, options.metrics);
  const threads = info.threads ?? strategy.threads;
  return {
    name: options.name ?? recordedModelName(model),
    model: modelInfo(model, info.modelSource),
    ...penaltyFields(model),
    ...(info.penaltyModule ? { penaltyModule: info.penaltyModule } : {}),
    optimizer: optimizerLabel(options.optimizer),
    ...controls,
    loss: objective.losses.map((l) => l.name).join(', '),
    metrics: metricNames(objective),
    trainer: 'fit',
    ...(options.monitors?.length ? { monitors: monitorInfos(options.monitors) } : {}),
    trackNorms: options.trackNorms ?? 'epoch',
    epochs: options.epochs,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    seed: seedOf(options),
    trainSize: sizes.train,
    testSize: sizes.validation,
    data: info.data ?? kind,
    backend: info.backend ?? tf.getBackend(),
    threads,
    // How threads share a batch means nothing on one thread.
    ...(threads > 1 ? { parallel: info.parallel ?? strategy.parallel ?? 'data' } : {}),
    gradients: strategy.path ?? 'per-kernel',
    ...(info.gradientsWhy ? { gradientsWhy: info.gradientsWhy } : {}),
    versions: { '@tensorflow/tfjs': tf.version.tfjs ?? tf.version_core, ...info.versions },
    startedAt: info.startedAt ?? new Date().toISOString(),
  };
}
