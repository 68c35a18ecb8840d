/**
 * The state a run needs to continue exactly where it stopped, written after every epoch into
 * `<run>/checkpoint/`: the model (`model/`, loadable with `loadModel`), the optimiser's state
 * (`optimizer.bin` + `optimizer.json`) and the run record so far (`run.json`). Restoring assigns
 * the saved values to the variables directly (not `setWeights`, which would re-apply constraints);
 * a checkpoint whose files do not restore into the model (damaged, or another model's) is a DataError.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, PenaltyExplorerError } from '../errors.ts';
import type { RunRecord } from '../formats/index.ts';
import { readRunRecord } from '../formats/index.ts';
import { completeDir, replaceDirAtomic, type SaveOptions, saveModel, writeFileAtomic } from '../io/index.ts';
import { tf } from '../tf.ts';

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
    await writeFileAtomic(join(tmp, 'run.json'), JSON.stringify(run));
  });
}

export interface Checkpoint {
  readonly run: RunRecord;
  /** Put the saved weights and optimiser state into a freshly built model and optimiser. */
  restore(model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void>;
}

async function readArrayBuffer(path: string): Promise<ArrayBuffer> {
  const b = await readFile(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** The run folder's complete checkpoint folder (after a kill mid-write, the one kept), or undefined when it has none. */
export function checkpointDir(runDir: string): string | undefined {
  return completeDir(join(runDir, CHECKPOINT));
}

export async function loadCheckpoint(runDir: string): Promise<Checkpoint | undefined> {
  const dir = checkpointDir(runDir);
  if (!dir) return undefined;
  const run = readRunRecord(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')));
  return {
    run,
    restore: async (model, optimizer) => {
      try {
        await restoreInto(dir, run, model, optimizer);
      } catch (err) {
        if (err instanceof PenaltyExplorerError) throw err;
        throw new DataError(`${dir}: cannot be restored (${(err as Error).message.split('\n')[0]}): the checkpoint is damaged or not of this model`);
      }
    },
  };
}

/**
 * Assign the checkpoint's saved weights and optimiser state to `model` and `optimizer`. TF.js's own
 * error when a file does not match its manifest (a truncated weights.bin: `the tensor should have
 * 288 values but has 250`) is what the caller turns into a DataError.
 */
async function restoreInto(dir: string, run: RunRecord, model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model', 'model.json'), 'utf8')) as {
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
  };
  const specs = modelJson.weightsManifest.flatMap((m) => m.weights);
  if (specs.length !== model.weights.length) throw new Error(`checkpoint has ${specs.length} weights, the model ${model.weights.length}`);
  const weights = tf.io.decodeWeights(await readArrayBuffer(join(dir, 'model', 'weights.bin')), specs);
  // By position: variable names get suffixes when several models live in one process.
  model.weights.forEach((lv, i) => {
    const saved = weights[(specs[i] as tf.io.WeightsManifestEntry).name] as tf.Tensor;
    (lv.read() as tf.Variable).assign(saved);
  });
  tf.dispose(Object.values(weights));
  const optSpecs = JSON.parse(await readFile(join(dir, 'optimizer.json'), 'utf8')) as tf.io.WeightsManifestEntry[];
  const opt = tf.io.decodeWeights(await readArrayBuffer(join(dir, 'optimizer.bin')), optSpecs);
  // The optimiser's state is named after the weights (`0/m:dense_1/kernel`): the saved run's
  // names put into this model's, by position (a model built again in one process gets new names).
  const renamed = new Map(run.config.weights.map((w, i) => [w.name, model.weights[i]?.originalName ?? w.name]));
  const current = (name: string) => name.replace(/:(.+)$/, (_, w: string) => `:${renamed.get(w) ?? w}`);
  await optimizer.setWeights(optSpecs.map((s) => ({ name: current(s.name), tensor: opt[s.name] as tf.Tensor })));
}
