/**
 * The state a run needs to continue exactly where it stopped, written after every epoch into
 * `<run>/checkpoint/`: the model (`model/`, loadable with `loadModel`), the optimiser's state
 * (`optimizer.bin` + `optimizer.json`) and the run record so far (`run.json`). Restoring assigns
 * the saved values to the variables directly (not `setWeights`, which would re-apply constraints);
 * a checkpoint whose files do not restore into the model (damaged, or another model's) is a DataError.
 */
import { join } from 'node:path';
import { DataError, PenaltyExplorerError, UsageError } from '../errors.ts';
import type { RunRecord } from '../formats/index.ts';
import { readRunRecord } from '../formats/index.ts';
import { completeDir, readRegularFile, replaceDirAtomic, rewriteInFolder, type SaveOptions, saveModel, writeFileAtomic } from '../io/index.ts';
import { uniqueWeights } from '../model/index.ts';
import { tf } from '../tf.ts';
import { runJson } from './records.ts';

/** The checkpoint's folder in a run folder: the model, the optimiser's state and the record it goes with. */
export const CHECKPOINT = 'checkpoint';

/** Write the checkpoint; `portable`: its model loadable by plain TF.js too (see io/model-folder.ts). */
export async function saveCheckpoint(runDir: string, model: tf.LayersModel, optimizer: tf.Optimizer, run: RunRecord, options: SaveOptions = {}): Promise<void> {
  const named = await optimizer.getWeights();
  const encoded = await tf.io.encodeWeights(named);
  await replaceDirAtomic(join(runDir, CHECKPOINT), async (tmp) => {
    await saveModel(model, join(tmp, 'model'), options);
    const data = encoded.data;
    const bytes = new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]));
    await writeFileAtomic(join(tmp, 'optimizer.bin'), bytes);
    await writeFileAtomic(join(tmp, 'optimizer.json'), JSON.stringify(encoded.specs));
    await writeFileAtomic(join(tmp, 'run.json'), runJson(run));
  });
}

/**
 * Replace the record in `runDir`'s checkpoint with `run`, the record of the same weights made
 * complete (a run a callback ended: the prune curve measured after its last epoch, which came
 * after the checkpoint was written), so a continuation of it starts from the complete record.
 * Nothing when the run has no checkpoint.
 */
export async function updateCheckpointRecord(runDir: string, run: RunRecord): Promise<void> {
  const dir = checkpointDir(runDir);
  if (dir) await rewriteInFolder(dir, 'run.json', runJson(run));
}

/** A checkpoint read from a run folder (`loadCheckpoint`): its record, and the weights and optimiser state to restore. */
export interface Checkpoint {
  /** The record up to the epoch the checkpoint was written after. */
  readonly run: RunRecord;
  /** Put the saved weights and optimiser state into a freshly built model and optimiser (once: its decoded tensors are used up). */
  restore(model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void>;
  /** Free the decoded tensors of a checkpoint that is not restored (nothing after `restore`). */
  dispose(): void;
}

async function readArrayBuffer(path: string): Promise<ArrayBuffer> {
  const b = readRegularFile(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** The run folder's complete checkpoint folder (after a kill mid-write, the one kept), or undefined when it has none. */
export function checkpointDir(runDir: string): string | undefined {
  return completeDir(join(runDir, CHECKPOINT));
}

/** The checkpoint's saved tensors, decoded from its files against their manifests (the caller disposes them). */
interface Saved {
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly weights: tf.NamedTensorMap;
  readonly optSpecs: tf.io.WeightsManifestEntry[];
  readonly opt: tf.NamedTensorMap;
}

async function readSaved(dir: string): Promise<Saved> {
  const modelJson = JSON.parse(readRegularFile(join(dir, 'model', 'model.json')).toString('utf8')) as {
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
  };
  const specs = modelJson.weightsManifest.flatMap((m) => m.weights);
  const optSpecs = JSON.parse(readRegularFile(join(dir, 'optimizer.json')).toString('utf8')) as tf.io.WeightsManifestEntry[];
  const modelBytes = await readArrayBuffer(join(dir, 'model', 'weights.bin'));
  const optBytes = await readArrayBuffer(join(dir, 'optimizer.bin'));
  const weights = tf.io.decodeWeights(modelBytes, specs);
  try {
    return { specs, weights, optSpecs, opt: tf.io.decodeWeights(optBytes, optSpecs) };
  } catch (err) {
    tf.dispose(Object.values(weights));
    throw err;
  }
}

/**
 * `work`, with any failure that is not already the library's turned into a DataError naming the
 * checkpoint; so is a plain DataError of what it restores into (an optimiser's `setWeights`: `optimizer
 * state lacks …`), whose remedy is not the checkpoint's: what it says is wrong is kept, up to its `;`.
 */
async function asDataError<T>(dir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const plainData = err instanceof DataError && err.name === 'DataError';
    if (err instanceof PenaltyExplorerError && !plainData) throw err;
    const what = plainData ? (err.message.split(';')[0] ?? '') : (err as Error).message.split('\n')[0];
    throw new DataError(`${dir}: cannot be restored (${what}): the checkpoint is damaged or not of this model`, { cause: err });
  }
}

/**
 * The run folder's checkpoint, or undefined when it has none. Its files are read and decoded here,
 * once, so a damaged one (a truncated weights.bin: `the tensor should have 288 values but has 250`)
 * is a DataError before a resumed run changes anything in the folder; `restore` assigns the decoded
 * tensors, and `dispose` frees them when it is not restored. `run`: its record, when the caller read
 * it already (`runFolderState` does); else read here.
 *
 * @example
 * const checkpoint = await loadCheckpoint('runs/l1');
 * try { if (checkpoint) await checkpoint.restore(model, optimizer); } finally { checkpoint?.dispose(); }
 */
export async function loadCheckpoint(runDir: string, run?: RunRecord): Promise<Checkpoint | undefined> {
  const dir = checkpointDir(runDir);
  if (!dir) return undefined;
  const record = run ?? readRunRecord(JSON.parse(readRegularFile(join(dir, 'run.json')).toString('utf8')));
  let saved: Saved | undefined = await asDataError(dir, () => readSaved(dir));
  /** The decoded tensors, handed over once. */
  const take = (): Saved => {
    const s = saved;
    saved = undefined;
    if (!s) throw new UsageError(`the checkpoint of ${runDir} was restored or disposed already; load it again`);
    return s;
  };
  return {
    run: record,
    restore: (model, optimizer) => asDataError(dir, () => restoreInto(take(), record, model, optimizer)),
    dispose: () => {
      if (saved) tf.dispose([...Object.values(saved.weights), ...Object.values(saved.opt)]);
      saved = undefined;
    },
  };
}

/** Assign the checkpoint's decoded weights and optimiser state to `model` and `optimizer` (the optimiser may keep its tensors; the weights' are freed). */
async function restoreInto({ specs, weights, optSpecs, opt }: Saved, run: RunRecord, model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void> {
  try {
    if (specs.length !== model.weights.length) throw new Error(`checkpoint has ${specs.length} weights, the model ${model.weights.length}`);
    // By position: variable names get suffixes when several models live in one process.
    model.weights.forEach((lv, i) => {
      const saved = weights[(specs[i] as tf.io.WeightsManifestEntry).name] as tf.Tensor;
      (lv.read() as tf.Variable).assign(saved);
    });
    // The optimiser's state is named after the weights (`0/m:dense_1/kernel`): the saved run's
    // names put into this model's, by position (a model built again in one process gets new names);
    // the record lists each weight once, a tied one too, as uniqueWeights does.
    const unique = uniqueWeights(model);
    const renamed = new Map(run.config.weights.map((w, i) => [w.name, unique[i]?.originalName ?? w.name]));
    const current = (name: string) => name.replace(/:(.+)$/, (_, w: string) => `:${renamed.get(w) ?? w}`);
    await optimizer.setWeights(optSpecs.map((s) => ({ name: current(s.name), tensor: opt[s.name] as tf.Tensor })));
  } finally {
    tf.dispose(Object.values(weights));
  }
}
