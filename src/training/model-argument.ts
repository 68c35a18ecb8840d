import { UsageError } from '../errors.ts';
import type { tf } from '../tf.ts';

/**
 * Throws a UsageError unless `model` is what the training entry point `where` needs, checked before
 * anything reads it: a `tf.LayersModel` (what has `layers` and `trainableWeights`), not a Promise of
 * one — `attachToKernels`, `tf.loadLayersModel` and `loadModel` return Promises, and a model passed
 * without `await` otherwise failed deep inside with "Cannot read properties of undefined (reading 'map')".
 *
 * @example
 * checkModelArgument(attachToKernels(model, { penalty: penalty('l1') }), 'fit')   // throws: a Promise; await it
 */
export function checkModelArgument(model: unknown, where: string): asserts model is tf.LayersModel {
  const m = model as { then?: unknown; layers?: unknown; trainableWeights?: unknown } | null | undefined;
  if (typeof m?.then === 'function')
    throw new UsageError(
      `${where} was given a Promise, not a model: await it first (attachToKernels, tf.loadLayersModel and loadModel return a Promise of the model)`,
    );
  if (m === null || typeof m !== 'object' || !Array.isArray(m.layers) || !Array.isArray(m.trainableWeights))
    throw new UsageError(`${where} needs a tf.LayersModel (tf.sequential, tf.model, …) as its first argument; got ${m === null ? 'null' : typeof m}`);
}
