/**
 * One training run of the reference model:
 *
 *   run folder (new, --force, or --resume from checkpoint/)
 *     ─► epoch 0: evaluate + weight snapshot of the untrained model
 *   optimiser = chain(gradient transforms, optimiser, per-layer learning rates, freezes)
 *   shard workers (data-parallel wasm: threads − 1 of them; none otherwise)
 *     ─► for each epoch: seeded shuffle ─► data-parallel step per batch (NaN/∞ stops the run)
 *                        ─► evaluate ─► snapshot ─► checkpoint/ ─► run.json ─► afterEpoch (figures)
 *
 * Batch order depends only on (seed, epoch), and the checkpoint holds the exact weights and
 * optimiser state, so a resumed run ends with the same weights as an uninterrupted one.
 */
import { join } from 'node:path';
import {
  DataParallel,
  lossFormula,
  optimizerFor,
  optimizerSpec,
  SpecError,
  tf,
  weightNames,
  withLayerControls,
  type BackendInfo,
  type PenaltyRegularizer,
  type PenxConstraint,
} from '../../src/index.ts';
import { permutation } from '../data/random.ts';
import type { Mnist } from '../data/mnist.ts';
import { buildReferenceModel, logitsOf } from '../model.ts';
import type { BatchNorms, EpochRecord, RunConfig, RunRecord } from '../run-record.ts';
import { writeFileAtomic } from '../../src/io/atomic.ts';
import { batchTensors, evaluate } from './batches.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { batchNorms } from './norms.ts';
import { claimFolder, hasContent } from './run-folder.ts';
import { snapshotWeights } from './snapshot.ts';

export const RUN_JSON = 'run.json';

export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** Running means over the epoch so far. */
  readonly dataLoss: number;
  readonly penaltyLoss: number;
  readonly accuracy: number;
}

export interface TrainHooks {
  onStart?(run: RunRecord, resumedFrom: number): void;
  onBatch?(p: BatchProgress): void;
  /** After run.json is written for a snapshot (epoch 0 included); draws figures. */
  afterSnapshot?(runDir: string, run: RunRecord): Promise<void>;
}

/** How to train: the settings shared by every run of a `penx train` or `penx compare`. */
export interface TrainSettings {
  readonly constraint?: PenxConstraint;
  readonly penalizeBias: boolean;
  /** Optimiser spec, e.g. `adadelta:lr=1,rho=0.95` (the reference) or `adamw:lr=1e-3,wd=1e-4`. */
  readonly optimizer: string;
  /** Per-layer learning-rate multipliers, e.g. `conv2d_1=0.1,dense*=2`. */
  readonly lrMult?: string;
  /** Per-layer gradient transforms, e.g. `conv*:clipnorm=1;dense_2:zero`. */
  readonly grad?: string;
  readonly trackNorms: 'epoch' | 'batch';
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly resume: boolean;
  readonly force: boolean;
}

/** One run: the shared settings plus where, with which penalty, on which data and backend. */
export interface TrainOptions extends TrainSettings {
  readonly runDir: string;
  readonly name: string;
  readonly penalty: PenaltyRegularizer;
  readonly penaltyModule?: string;
  readonly data: Mnist;
  readonly backend: BackendInfo;
  readonly versions: Readonly<Record<string, string>>;
}

/** The loss became NaN or infinite: the run stopped; everything up to the last good epoch is kept. */
export class DivergedError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    what: string,
  ) {
    super(`the ${what} became NaN or infinite at epoch ${epoch}, batch ${batch}; the run stopped, keeping everything up to epoch ${epoch - 1}`);
    this.name = 'DivergedError';
  }
}

/** The norm bounds of a norm constraint, for figures. */
function boundsOf(c: PenxConstraint | undefined): RunConfig['constraintBounds'] {
  if (!c) return undefined;
  const p = c.params as Record<string, number>;
  const axis = p['axis'] ?? 0;
  switch (c.definition.name) {
    case 'maxnorm':
      return { max: p['m'] as number, axis };
    case 'unitnorm':
      return { min: 1, max: 1, axis };
    case 'minmaxnorm':
      return { min: p['min'] as number, max: p['max'] as number, axis };
    default:
      return undefined;
  }
}

function configOf(o: TrainOptions, optimizer: string): RunConfig {
  const bounds = boundsOf(o.constraint);
  return {
    name: o.name,
    penalty: o.penalty.spec,
    penaltyFormula: lossFormula(o.penalty.definition),
    ...(o.penaltyModule ? { penaltyModule: o.penaltyModule } : {}),
    ...(o.constraint ? { constraint: o.constraint.spec } : {}),
    penalizeBias: o.penalizeBias,
    optimizer,
    ...(o.lrMult ? { lrMult: o.lrMult } : {}),
    ...(o.grad ? { grad: o.grad } : {}),
    trackNorms: o.trackNorms,
    ...(bounds ? { constraintBounds: bounds } : {}),
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    trainSize: o.data.train.count,
    testSize: o.data.test.count,
    data: o.data.source,
    backend: o.backend.name,
    threads: o.backend.threads,
    parallel: o.backend.parallel,
    versions: o.versions,
    startedAt: new Date().toISOString(),
  };
}

/** The settings that must agree for --resume to continue a run (epochs may grow). */
const RESUME_KEYS = ['penalty', 'constraint', 'penalizeBias', 'optimizer', 'lrMult', 'grad', 'trackNorms', 'batchSize', 'seed', 'trainSize', 'testSize', 'data', 'backend'] as const;

export async function trainRun(o: TrainOptions, hooks: TrainHooks = {}): Promise<RunRecord> {
  const model = buildReferenceModel({ penalty: o.penalty, ...(o.constraint ? { constraint: o.constraint } : {}), penalizeBias: o.penalizeBias, seed: o.seed });
  const logits = logitsOf(model);
  let optimizer: tf.Optimizer | undefined;
  let dp: DataParallel | undefined;
  try {
    // Optimiser and per-layer patterns are checked against the model before the folder is touched.
    const names = weightNames(logits);
    const opt = optimizerSpec(o.optimizer);
    optimizer = optimizerFor(logits, withLayerControls(opt.transform, { ...(o.grad ? { grad: o.grad } : {}), ...(o.lrMult ? { lrMult: o.lrMult } : {}) }, names));
    await claimFolder(o.runDir, o, 'run folder');
    dp = await DataParallel.start(logits, o.backend.workers);
    let run: RunRecord;
    const config = configOf(o, opt.spec);
    const checkpoint = o.resume ? await loadCheckpoint(o.runDir) : undefined;
    if (checkpoint) {
      for (const key of RESUME_KEYS) {
        if (JSON.stringify(checkpoint.run.config[key]) !== JSON.stringify(config[key])) {
          throw new SpecError(`cannot resume ${o.runDir}: its ${key} is ${JSON.stringify(checkpoint.run.config[key])}, this command's is ${JSON.stringify(config[key])}; use the same settings, or --force to start over`);
        }
      }
      await checkpoint.restore(model, optimizer);
      run = { ...checkpoint.run, config: { ...checkpoint.run.config, epochs: o.epochs } };
    } else {
      if (o.resume && hasContent(o.runDir)) {
        throw new SpecError(`cannot resume ${o.runDir}: it has no checkpoint (no epoch finished); use --force to start over`);
      }
      const initial = snapshotWeights(model, 0, await evaluate(dp, logits, o.data.test));
      run = { format: 'penalty-explorer/run@1', config, initial, epochs: [] };
      await writeFileAtomic(join(o.runDir, RUN_JSON), JSON.stringify(run, null, 1));
      await hooks.afterSnapshot?.(o.runDir, run);
    }
    hooks.onStart?.(run, run.epochs.length);

    const batches = Math.ceil(o.data.train.count / o.batchSize);
    for (let epoch = run.epochs.length + 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      const order = permutation(o.data.train.count, o.seed * 100_003 + epoch);
      let sumLoss = 0;
      let sumPen = 0;
      let sumAcc = 0;
      const projectedSum: Record<string, number> = {};
      const perBatch: BatchNorms[] = [];
      for (let b = 0; b < batches; b++) {
        const [x, y] = batchTensors(o.data.train, order.subarray(b * o.batchSize, Math.min(o.data.train.count, (b + 1) * o.batchSize)));
        const r = await dp.trainStep(logits, optimizer, x, y, { measureConstraints: o.constraint !== undefined });
        for (const [k, v] of Object.entries(r.projected)) projectedSum[k] = (projectedSum[k] ?? 0) + v;
        if (o.trackNorms === 'batch') perBatch.push(batchNorms(model, b + 1));
        tf.dispose([x, y]);
        if (!Number.isFinite(r.dataLoss) || !Number.isFinite(r.penaltyLoss)) {
          const err = new DivergedError(epoch, b + 1, Number.isFinite(r.dataLoss) ? 'penalty loss' : 'data loss');
          // run.json keeps the finished epochs and says where and why the run stopped.
          await writeFileAtomic(join(o.runDir, RUN_JSON), JSON.stringify({ ...run, stopped: { epoch, batch: b + 1, reason: err.message } }, null, 1));
          throw err;
        }
        sumLoss += r.dataLoss;
        sumPen += r.penaltyLoss;
        sumAcc += r.accuracy;
        hooks.onBatch?.({ epoch, epochs: o.epochs, batch: b + 1, batches, dataLoss: sumLoss / (b + 1), penaltyLoss: sumPen / (b + 1), accuracy: sumAcc / (b + 1) });
      }
      const test = await evaluate(dp, logits, o.data.test);
      const record: EpochRecord = {
        ...snapshotWeights(model, epoch, test, Object.fromEntries(Object.entries(projectedSum).map(([k, v]) => [k, v / batches]))),
        trainLoss: sumLoss / batches,
        penaltyLoss: sumPen / batches,
        trainAcc: sumAcc / batches,
        seconds: (performance.now() - t0) / 1000,
        ...(o.trackNorms === 'batch' ? { batchNorms: perBatch } : {}),
      };
      run = { ...run, epochs: [...run.epochs, record] };
      await saveCheckpoint(o.runDir, model, optimizer, run);
      await writeFileAtomic(join(o.runDir, RUN_JSON), JSON.stringify(run, null, 1));
      await hooks.afterSnapshot?.(o.runDir, run);
    }
    return run;
  } finally {
    await dp?.close();
    model.dispose();
    optimizer?.dispose();
  }
}
