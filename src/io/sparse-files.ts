/**
 * The sparse export on disk (Node): `weights.sparse.bin` (the encoded bytes, see sparse.ts) and
 * `weights.sparse.json` (its small index: per tensor its name, shape, encoding, non-zeros, offset,
 * bytes and index widths). Reading gives the weights back bit for bit.
 */
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { decodeSparse, encodeSparse, type NamedWeights, type SparseIndex } from '../monitor/index.ts';
import { tf } from '../tf.ts';
import { writeFileAtomic } from './atomic.ts';
import { readRegularFile } from './read-file.ts';

/** The sparse export's data file: every tensor's encoded bytes, in order. */
export const SPARSE_BIN = 'weights.sparse.bin';
/** The sparse export's index file (a `SparseIndex`). */
export const SPARSE_JSON = 'weights.sparse.json';

/** Write `weights` sparse into `dir` (only those `sparse` accepts, when given; see encodeSparse); returns the index written. */
export async function writeSparseWeights(dir: string, weights: readonly NamedWeights[], sparse?: (name: string) => boolean): Promise<SparseIndex> {
  const { index, data } = encodeSparse(weights, sparse);
  await writeFileAtomic(join(dir, SPARSE_BIN), data);
  await writeFileAtomic(join(dir, SPARSE_JSON), JSON.stringify(index, null, 1));
  return index;
}

/**
 * The weights of a sparse export in `dir`, as written.
 *
 * @example
 * const weights = await readSparseWeights('figures/runs/l1_1e-4/pruned');   // [{ name: 'conv2d_1/kernel', shape, values }, …]
 */
export async function readSparseWeights(dir: string): Promise<NamedWeights[]> {
  let index: SparseIndex;
  let bytes: Buffer;
  try {
    index = JSON.parse(readRegularFile(join(dir, SPARSE_JSON)).toString('utf8')) as SparseIndex;
    bytes = readRegularFile(join(dir, SPARSE_BIN));
  } catch (err) {
    throw new DataError(`${dir}: cannot read a sparse export (${SPARSE_JSON} + ${SPARSE_BIN}): ${(err as Error).message}`);
  }
  return decodeSparse(index, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** The model's weights as named values (by their layer names, `conv2d_1/kernel`), downloaded. */
export function modelWeights(model: tf.LayersModel): NamedWeights[] {
  return model.weights.map((lv) => ({ name: lv.originalName, shape: [...lv.shape] as number[], values: (lv.read().dataSync() as Float32Array).slice() }));
}

/**
 * Put sparse-exported weights into a model with the same weight names (assigned as they are, not
 * through `setWeights`, which would apply constraints). A DataError naming a missing or misshapen weight.
 */
export function assignWeights(model: tf.LayersModel, weights: readonly NamedWeights[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const lv of model.weights) {
    const w = byName.get(lv.originalName);
    if (!w) throw new DataError(`the sparse export has no weight ${lv.originalName}`);
    if (w.shape.length !== lv.shape.length || w.shape.some((d, i) => d !== lv.shape[i]))
      throw new DataError(`weight ${lv.originalName} is [${w.shape}] in the export, [${lv.shape}] in the model`);
    tf.tidy(() => (lv.read() as tf.Variable).assign(tf.tensor(w.values, [...w.shape])));
  }
}
