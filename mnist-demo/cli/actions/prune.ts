/**
 * `penx prune RUN_DIR --max-drop 0.5`: the run's trained model pruned as far as its prune curve
 * allows, written as a TF.js model (zeros in place) and a sparse export:
 *
 *   run.json ─► the prune curve after the last epoch ─► the largest level whose test accuracy is
 *   within --max-drop points of level 0's ─► checkpoint/model loaded ─► that level's pruning applied
 *   ─► <out>/model/ (loadModel) + <out>/weights.sparse.bin + weights.sparse.json + <out>/prune.json
 */
import { join } from 'node:path';
import {
  checkpointDir,
  loadModel,
  loadPenalty,
  modelWeights,
  pruneWeights,
  readRunJson,
  saveModel,
  sizeOf,
  SpecError,
  useQuietCpu,
  writeFileAtomic,
  writeSparseWeights,
  SPARSE_BIN,
  SPARSE_JSON,
  type PrunePoint,
  type PruneScope,
} from '../../../src/node.ts';

export interface PruneFlags {
  readonly maxDrop: string;
  readonly scope: PruneScope;
  readonly out?: string;
  readonly json?: boolean;
}

/** What `penx prune` did, as `--json` prints it and `prune.json` keeps it. */
export interface PruneResult {
  readonly run: string;
  readonly epoch: number;
  readonly scope: PruneScope;
  /** Percent of the kernel weights set to 0. */
  readonly level: number;
  readonly testAcc: number;
  /** The trained model's (level 0). */
  readonly trainedAcc: number;
  /** Accuracy points lost: 100 × (trained − pruned). */
  readonly drop: number;
  readonly maxDrop: number;
  readonly size: { readonly dense: number; readonly sparse: number; readonly ratio: number };
  readonly model: string;
  readonly sparse: readonly [string, string];
}

function maxDropOf(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < 0 || x > 100) throw new SpecError(`--max-drop must be accuracy points between 0 and 100 (e.g. 0.5), got '${text}'`);
  return x;
}

/** The largest level whose accuracy is at most `maxDrop` points below the first (level 0) point's. */
export function chooseLevel(points: readonly PrunePoint[], maxDrop: number): { point: PrunePoint; trained: PrunePoint } {
  const trained = points[0];
  if (!trained || trained.level !== 0 || trained.testAcc === null) throw new SpecError('the prune curve has no accuracy at level 0 (the trained model) to compare with');
  const within = points.filter((p) => p.testAcc !== null && 100 * ((trained.testAcc as number) - p.testAcc) <= maxDrop + 1e-9);
  return { point: within.at(-1) ?? trained, trained };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function prune(dir: string, flags: PruneFlags): Promise<void> {
  const maxDrop = maxDropOf(flags.maxDrop);
  await useQuietCpu();
  const record = readRunJson(dir);
  const last = record.epochs.at(-1);
  if (!last) throw new SpecError(`${dir}: the run has no finished epoch to prune`);
  const curve = last.prune;
  if (!curve) throw new SpecError(`${dir}: run.json has no prune curve after epoch ${last.epoch} (its last); train with --prune-epochs last (the default) to measure one`);
  const checkpoint = checkpointDir(dir);
  if (!checkpoint) throw new SpecError(`${dir}: no checkpoint/ with the trained model`);
  const { point, trained } = chooseLevel(flags.scope === 'layer' ? curve.perLayer : curve.global, maxDrop);
  // A user penalty must be defined before its model loads.
  if (record.config.penaltyModule) await loadPenalty(record.config.penaltyModule);
  const model = await loadModel(join(checkpoint, 'model'));
  try {
    const pruned = new Set(pruneWeights(model, point.level, flags.scope));
    const out = flags.out ?? join(dir, 'pruned');
    const weights = modelWeights(model);
    await saveModel(model, join(out, 'model'));
    await writeSparseWeights(out, weights, (name) => pruned.has(name));
    const size = sizeOf(weights, (name) => pruned.has(name));
    const result: PruneResult = {
      run: record.config.name,
      epoch: last.epoch,
      scope: flags.scope,
      level: point.level,
      testAcc: point.testAcc as number,
      trainedAcc: trained.testAcc as number,
      drop: 100 * ((trained.testAcc as number) - (point.testAcc as number)),
      maxDrop,
      size,
      model: join(out, 'model'),
      sparse: [join(out, SPARSE_BIN), join(out, SPARSE_JSON)],
    };
    await writeFileAtomic(join(out, 'prune.json'), JSON.stringify(result, null, 1));
    if (flags.json) {
      console.log(JSON.stringify(result, null, 1));
      return;
    }
    console.log(`${record.config.penalty}: ${point.level} % of the kernel weights set to 0 (${flags.scope === 'layer' ? 'each layer' : 'global'}), after epoch ${last.epoch}`);
    console.log(`test accuracy ${result.testAcc.toFixed(4)} (trained ${result.trainedAcc.toFixed(4)}: ${result.drop.toFixed(2)} points lost, at most ${maxDrop})`);
    console.log(`weights ${kb(size.dense)} dense (float32) → ${kb(size.sparse)} sparse, ${size.ratio.toFixed(1)}× smaller`);
    console.log(`wrote ${result.model} (TF.js, zeros in place) and ${result.sparse.join(' + ')}`);
  } finally {
    model.dispose();
  }
}
