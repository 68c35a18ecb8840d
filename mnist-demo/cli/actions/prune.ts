/**
 * `penx prune RUN_DIR --max-drop 0.5`: the run's trained model pruned as far as its prune curve
 * allows, written as a TF.js model (zeros in place) and a sparse export:
 *
 *   run.json ─► the prune curve after the last epoch ─► the largest level whose test accuracy (each
 *   output's, for a model of several outputs) is within --max-drop points of level 0's ─► the output folder judged: never inside a run's
 *   checkpoint; new, empty, or a pruned model's folder of this tool's (what the tool wrote there
 *   replaced), else refused untouched ─► the run locked (a run being trained is refused)
 *   ─► the checkpoint's last epoch the record's (else refused: a run killed between the two writes)
 *   ─► checkpoint/model loaded (importing no code: a user penalty's regularizer left out; one TF.js
 *   cannot read: a DataError, exit 2, nothing written) ─► the output folder claimed
 *   ─► that level's pruning applied ─► <out>/model/ (portable: plain TF.js loads it; loadModel puts
 *   the penalties back) + <out>/weights.sparse.bin + weights.sparse.json + <out>/prune.json
 *   ─► what was written said (--json: prune.json's fields, the folder and every file written, one JSON document)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  accuracyDrops,
  checkFolder,
  checkpointDir,
  claimFolder,
  DataError,
  errorLine,
  IOError,
  isToolFolder,
  keptNote,
  lastEpochInFile,
  loadModel,
  lockOwnFolder,
  modelWeights,
  PenaltyExplorerError,
  type PrunePoint,
  type PruneScope,
  pruneWeights,
  RUN_JSON,
  type RunRecord,
  readRunJson,
  SPARSE_BIN,
  SPARSE_JSON,
  saveModel,
  sizeOf,
  type tf,
  UsageError,
  useQuietCpu,
  writeFileAtomic,
  writeSparseWeights,
} from 'penalty-explorer/node';
import { pruneLevelOf } from '../../experiment/prune-level.ts';
import { pruneValues } from '../flag-values.ts';
import { printJson } from '../json.ts';
import { printable } from '../table.ts';
import { filesWritten } from './run-json.ts';

/** The flags of `penx prune`, as commander gives them (text, checked by the action). */
export interface PruneFlags {
  readonly maxDrop: string;
  readonly scope: PruneScope;
  readonly out?: string;
  readonly json?: boolean;
}

/** What `penx prune` did, as `prune.json` keeps it; `--json` prints it with `out` and `files` (every file written, prune.json too), absolute. */
export interface PruneResult {
  readonly run: string;
  readonly epoch: number;
  readonly scope: PruneScope;
  /** Percent of the kernel weights set to 0. */
  readonly level: number;
  /** Null for a model of several outputs (see byOutput). */
  readonly testAcc: number | null;
  /** The trained model's (level 0). */
  readonly trainedAcc: number | null;
  /** Accuracy points lost: 100 × (trained − pruned). */
  readonly drop: number | null;
  /** A model of several outputs: each output's testAcc, trainedAcc and drop, by output name, e.g. `{ digit: { testAcc: 0.97, trainedAcc: 0.98, drop: 1 } }` (absent for one output). */
  readonly byOutput?: Readonly<Record<string, Pick<PruneResult, 'testAcc' | 'trainedAcc' | 'drop'>>>;
  readonly maxDrop: number;
  readonly size: { readonly dense: number; readonly sparse: number; readonly ratio: number };
  readonly model: string;
  readonly sparse: readonly [string, string];
}

/**
 * How prune takes its output folder: an earlier pruned model of penx's there is replaced; a folder
 * that is not penx's is refused as one the output would be put into ("will not put the output into …"), not as one started over.
 */
const OUTPUT = { output: true } as const;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
/** An accuracy to 4 decimals (each of the chosen level and level 0 is known: pruneLevelWithin chose the level by them). */
const fixed = (x: number | null) => (x as number).toFixed(4);

/**
 * The accuracy change pruning made, from `drop` (points lost: 100 × (trained − pruned)), in words.
 *
 * @example
 * accuracyChange(1.25)   // '1.25 points lost'
 * accuracyChange(-7)     // '7.00 points gained'
 */
export function accuracyChange(drop: number): string {
  return drop < 0 ? `${(-drop).toFixed(2)} points gained` : `${drop.toFixed(2)} points lost`;
}

/** `penx prune RUN_DIR` (see the file's comment). */
export async function prune(dir: string, flags: PruneFlags): Promise<void> {
  const { maxDrop } = pruneValues(dir, flags);
  checkRunFolder(dir);
  const record = readRunJson(dir);
  const last = record.epochs.at(-1);
  if (!last) throw new DataError(`${dir}: the run has no finished epoch to prune`);
  const curve = last.prune;
  if (!curve)
    throw new DataError(
      `${dir}: run.json has no prune curve after epoch ${last.epoch} (its last); train with --prune-epochs last (the default) to measure one`,
    );
  const scope = flags.scope === 'layer' ? 'perLayer' : 'global';
  const at = { file: join(dir, RUN_JSON), record, index: record.epochs.length - 1, scope, command: 'penx prune' } as const;
  const { point, trained } = pruneLevelOf(at, curve[scope], maxDrop);
  const out = flags.out ?? join(dir, 'pruned');
  // A run of the tool's is locked while it is read (a run being trained is refused); another folder is only read.
  const own = isToolFolder(dir, 'run');
  if (!own && flags.out === undefined) throw new UsageError(`${dir} was not written by penalty-explorer, so ${out} is not made in it; give --out DIR`);
  // The output folder judged (never inside a run's checkpoint) before the run is locked: a refused prune changes nothing, in the run either.
  checkFolder(out, 'pruned', OUTPUT);
  const releases: Array<() => void> = [];
  try {
    if (own) releases.push(lockOwnFolder(dir, 'run'));
    const checkpoint = checkpointDir(dir);
    if (!checkpoint) throw new IOError(`${dir}: no checkpoint/ with the trained model`);
    checkSameEpoch(dir, checkpoint, last.epoch);
    await useQuietCpu();
    // The model loaded before the output folder is claimed: a checkpoint that cannot be read leaves nothing behind.
    const model = await checkpointModel(join(checkpoint, 'model'));
    try {
      const target = claimFolder(out, OUTPUT, 'pruned');
      releases.push(() => target.release());
      const kept = keptNote(out, target.kept);
      if (kept) console.error(kept);
      await writePruned(model, record, { point, trained, last: last.epoch, maxDrop, out, flags });
    } finally {
      model.dispose();
    }
  } finally {
    for (const release of releases.reverse()) release();
  }
}

/**
 * Refuse a RUN_DIR without run.json saying what would be right: one that is not there, or a folder of
 * runs (a comparison, a sweep: pruned one run at a time, the first such run named), e.g.
 * `figures/runs/quickstart has no run.json: penx prune takes one run folder (with run.json and checkpoint/), e.g. figures/runs/quickstart/none`.
 */
function checkRunFolder(dir: string): void {
  if (existsSync(join(dir, RUN_JSON))) return;
  const takes = 'penx prune takes one run folder (with run.json and checkpoint/)';
  if (!existsSync(dir)) throw new IOError(`${dir} does not exist; ${takes}, as penx train writes it`);
  const run = readdirSync(dir, { withFileTypes: true }).find((e) => e.isDirectory() && existsSync(join(dir, e.name, RUN_JSON)));
  throw new IOError(`${dir} has no run.json: ${takes}${run ? `, e.g. ${join(dir, run.name)}` : ', as penx train writes it'}`);
}

/**
 * Refuse a checkpoint whose weights are not those of run.json's last epoch: a run killed after
 * writing epoch E's checkpoint and before its run.json says epoch E − 1, whose prune curve the
 * level would be chosen from while epoch E's weights were pruned (prune.json's accuracy a lie).
 * A DataError, e.g. `run/checkpoint/run.json ends at epoch 6, run/run.json at epoch 5: …`.
 */
function checkSameEpoch(dir: string, checkpoint: string, epoch: number): void {
  // Its last epoch's number alone: the record is not read in full (a few MB of snapshots).
  const saved = lastEpochInFile(join(checkpoint, RUN_JSON));
  if (saved !== epoch)
    throw new DataError(
      `${join(checkpoint, RUN_JSON)} ends at epoch ${saved || 'none'}, ${join(dir, RUN_JSON)} at epoch ${epoch}: the checkpoint's weights are not the ones the prune curve was measured on; ` +
        `run penx train --resume on the run to bring run.json in line with its checkpoint, then prune`,
    );
}

/**
 * The checkpoint's trained model, importing no code (a user penalty's regularizer is left out of the
 * pruned model, and said: it only matters for training). A checkpoint TF.js cannot read (a truncated
 * weights.bin, say) is bad input: a DataError naming the folder and TF.js's reason in one line
 * (`errorLine`: the lines after its first kept, stack frames dropped), e.g.
 * `run/checkpoint/model: cannot be loaded as a TF.js model (…should have 288 values but has 250)`.
 */
export async function checkpointModel(dir: string): Promise<tf.LayersModel> {
  try {
    return await loadModel(dir, {
      dropUnknown: (names) =>
        console.error(
          `penx prune: the pruned model leaves out ${printable(names.join(', '))} (a penalty or constraint defined by a module; reading a run never imports code, and inference does not need it)`,
        ),
    });
  } catch (err) {
    if (err instanceof PenaltyExplorerError) throw err;
    throw new DataError(`${dir}: cannot be loaded as a TF.js model (${errorLine(err)}); train the run again, or give a run whose checkpoint is whole`);
  }
}

/** Prune `model` at the chosen level and write it to `out`: the model, its sparse export and prune.json; print what was written. */
async function writePruned(
  model: tf.LayersModel,
  record: RunRecord,
  chosen: {
    readonly point: PrunePoint;
    readonly trained: PrunePoint;
    readonly last: number;
    readonly maxDrop: number;
    readonly out: string;
    readonly flags: PruneFlags;
  },
): Promise<void> {
  const { point, trained, maxDrop, out, flags } = chosen;
  const pruned = new Set(pruneWeights(model, point.level, flags.scope));
  const weights = modelWeights(model);
  // Portable: plain TF.js (an app, a browser) loads the pruned model; loadModel puts the penalties back.
  await saveModel(model, join(out, 'model'), { portable: true });
  await writeSparseWeights(out, weights, (name) => pruned.has(name));
  const size = sizeOf(weights, (name) => pruned.has(name));
  // The model's accuracy, or each output's (pruneLevelWithin chose a level within maxDrop for every one).
  const drops = accuracyDrops(point, trained);
  const whole = drops.find((d) => d.output === undefined);
  const scores = (d: (typeof drops)[number] | undefined) => ({ testAcc: d?.acc ?? null, trainedAcc: d?.trainedAcc ?? null, drop: d?.drop ?? null });
  const result: PruneResult = {
    run: record.config.name,
    epoch: chosen.last,
    scope: flags.scope,
    level: point.level,
    ...scores(whole),
    ...(whole ? {} : { byOutput: Object.fromEntries(drops.map((d) => [d.output, scores(d)])) }),
    maxDrop,
    size,
    model: join(out, 'model'),
    sparse: [join(out, SPARSE_BIN), join(out, SPARSE_JSON)],
  };
  await writeFileAtomic(join(out, 'prune.json'), JSON.stringify(result, null, 1));
  if (flags.json) {
    printJson({ ...result, out: resolve(out), files: filesWritten(out) });
    return;
  }
  console.log(
    `${printable(record.config.penalty)}: ${point.level} % of the kernel weights set to 0 (${flags.scope === 'layer' ? 'each layer' : 'global'}), after epoch ${chosen.last}`,
  );
  for (const d of drops) {
    const what = d.output === undefined ? 'test accuracy' : `test accuracy (${printable(d.output)})`;
    console.log(`${what} ${fixed(d.acc)} (trained ${fixed(d.trainedAcc)}: ${accuracyChange(d.drop as number)}, at most ${maxDrop} lost)`);
  }
  console.log(`weights ${kb(size.dense)} dense (float32) → ${kb(size.sparse)} sparse, ${size.ratio.toFixed(1)}× smaller`);
  console.log(`wrote ${result.model} (TF.js, zeros in place, loadable by plain TF.js) and ${result.sparse.join(' + ')}`);
}
