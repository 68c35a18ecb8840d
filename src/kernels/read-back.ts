/**
 * Whether the backend in use reads its numbers back right synchronously. The library reads losses,
 * penalties, evaluation and weight snapshots with `dataSync`, so a backend whose synchronous
 * read-back is wrong would train and record wrong numbers without a word: on SwiftShader's WebGPU
 * (headless Chromium with --enable-unsafe-webgpu), TF.js 4.22's `dataSync` (a read through a
 * canvas) returns zeros while `await data()` is right.
 *
 * The probe computes on the backend, with kernels the training uses, numbers exact in float32:
 *
 *   a = [[1, 2], [3, 4]]        a·a = [[7, 10], [15, 22]]  (matMul, as a Dense layer)
 *                               Σ a·a = 54                 (sum, as every loss)
 *   x = 1…9 as 3×3, 2×2 ones    conv2d valid = [12, 16, 24, 28]  (as the CNN's convolutions)
 *
 * and reads each with `dataSync` (an uploaded tensor would be read from its CPU copy, proving nothing).
 * It runs once per backend instance (a WeakMap keyed by `tf.backend()`): ~ms the first time, a
 * lookup after.
 */
import { errorLine } from '../error-line.ts';
import { ReadBackError } from '../errors.ts';
import { tf } from '../tf.ts';

/** What the probe computes, in the order it reads them back (see the file's comment). */
const EXPECTED = [7, 10, 15, 22, 54, 12, 16, 24, 28];
/** The wrong values a message names; the rest are counted. */
const NAMED = 3;

/** Each backend instance probed, with what was wrong (undefined: nothing). */
const probed = new WeakMap<tf.KernelBackend, string | undefined>();

/** The probe's results, computed on the backend in use and not yet read. */
function probeTensors(): tf.Tensor[] {
  return tf.tidy(() => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const product = tf.matMul(a, a);
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    return [product, tf.sum(product), tf.conv2d(x, tf.ones([2, 2, 1, 1]), 1, 'valid')];
  });
}

/** The probe run now on the backend in use (see the file's comment). */
function probe(): string | undefined {
  let tensors: tf.Tensor[] = [];
  try {
    tensors = probeTensors();
    const got = tensors.flatMap((t) => Array.from(t.dataSync()));
    const wrong = EXPECTED.flatMap((want, i) => (Object.is(got[i], want) ? [] : [`${got[i]} for ${want}`]));
    if (wrong.length === 0) return undefined;
    const more = wrong.length > NAMED ? ` and ${wrong.length - NAMED} more of ${EXPECTED.length}` : '';
    return `its synchronous read-back returned wrong values (${wrong.slice(0, NAMED).join(', ')}${more})`;
  } catch (e) {
    return `its synchronous read-back failed (${errorLine(e)})`;
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/**
 * What is wrong with the synchronous read-back of the backend in use, as a phrase, or undefined
 * when it reads the probe's numbers exactly (see the file's comment); probed once per backend
 * instance.
 *
 * @example
 * await tf.setBackend('webgpu');   // SwiftShader's, in headless Chromium
 * readBackProblem()   // 'its synchronous read-back returned wrong values (0 for 7, 0 for 10, 0 for 15 and 6 more of 9)'
 * await tf.setBackend('cpu');
 * readBackProblem()   // undefined
 */
export function readBackProblem(): string | undefined {
  const backend = tf.backend();
  if (!probed.has(backend)) probed.set(backend, probe());
  return probed.get(backend);
}

/**
 * Throws a ReadBackError (a UsageError) when the backend in use reads back wrong (`readBackProblem`);
 * `fit`, `fitToFolder`, `trainStep`, `recordWeights`, `evaluate`, `pruneCurve` and the weight
 * snapshots call it first, so nothing is trained, recorded or written on such a backend.
 *
 * @example
 * await tf.setBackend('webgpu');   // SwiftShader's
 * checkReadBack();   // throws ReadBackError: backend webgpu cannot train or record here: its synchronous read-back …
 */
export function checkReadBack(): void {
  const problem = readBackProblem();
  if (problem !== undefined) throw new ReadBackError(tf.getBackend(), problem);
}
