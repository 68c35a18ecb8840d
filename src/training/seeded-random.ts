/**
 * Repeatable random layers: every random number TF.js draws during a training step comes from a
 * source seeded by the run's seed and the step, so two runs with the same seed — and a run killed
 * and resumed — draw the same dropout masks and noise and end with the same weights.
 *
 * How TF.js draws them (tfjs-core `ops/rand_util.ts`, tfjs-layers `layers/core.ts`, `noise.ts`,
 * `recurrent.ts`): Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout and an
 * RNN's dropout masks call `randomUniform` / `randomNormal` without a seed (Dropout passes its
 * `seed` argument, usually undefined), and an op without a seed takes one from `Math.random()`.
 * TF.js has no global seed. So the step runs with `Math.random` replaced by a seeded generator —
 * only for the synchronous forward and backward pass (nothing else runs meanwhile), and put back
 * after it, also when it throws. This relies on that TF.js internal, and on it alone: it lives in
 * this module, `checkSeededRandom` verifies it at run time before a model with random layers
 * trains (a clear error, not a silently unrepeatable run), and test/training/seeded-random.test.ts
 * fails when a TF.js version changes it.
 *
 * A layer given its own `seed` (`tf.layers.dropout({ rate, seed: 1 })`) draws the same mask at
 * every step: TF.js seeds that op with the number itself. That is repeatable too, and left as is.
 */

import { UsageError } from '../errors.ts';
import { tf } from '../tf.ts';
import { mulberry32 } from './random.ts';

/** A 32-bit hash of whole numbers (each mixed in with a multiply-xorshift round). */
export function mixSeeds(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ Math.floor(p / 4294967296), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * `fn()` with every unseeded random op of TF.js drawing from a generator seeded by `seed`.
 * `fn` must be synchronous (a forward and backward pass): the generator is in place only while it runs
 * (a UsageError for one returning a Promise).
 *
 * @example
 * const a = withSeededRandom(7, () => tf.dropout(x, 0.5));   // the same mask as …
 * const b = withSeededRandom(7, () => tf.dropout(x, 0.5));   // … this one
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const saved = Math.random;
  const next = mulberry32(seed);
  // TF.js seeds an op with String(Math.random()): never 0 (which it reads as "no seed").
  Math.random = () => next() || 0.5 / 4294967296;
  try {
    const out = fn();
    if (out instanceof Promise)
      throw new UsageError('withSeededRandom takes a synchronous function, not one returning a Promise: the generator is in place only while it runs');
    return out;
  } finally {
    Math.random = saved;
  }
}

/** The layer classes of TF.js that draw random numbers in training. */
const RANDOM_LAYERS = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

/** True when some layer of the model draws random numbers in training (a random layer, or an RNN with dropout). */
export function drawsRandom(model: tf.LayersModel): boolean {
  const visit = (l: tf.layers.Layer): boolean => {
    if (l instanceof tf.LayersModel) return l.layers.some(visit);
    const o = l as unknown as Record<string, unknown>;
    if (RANDOM_LAYERS.has(l.getClassName())) return true;
    const cell = o['cell'] as Record<string, unknown> | undefined;
    const rates = [cell?.['dropout'], cell?.['recurrentDropout'], o['dropout'], o['recurrentDropout']];
    if (rates.some((r) => typeof r === 'number' && r > 0)) return true;
    return [o['layer'], o['forwardLayer'], o['backwardLayer']].some(
      (x) => x instanceof Object && typeof (x as tf.layers.Layer).getClassName === 'function' && visit(x as tf.layers.Layer),
    );
  };
  return model.layers.some(visit);
}

let verified = false;

/**
 * Throws a UsageError when TF.js's unseeded random ops do not draw from `Math.random` (a TF.js
 * version that changed it): a seeded run could not be repeated. Checked once per process.
 */
export function checkSeededRandom(): void {
  if (verified) return;
  const draw = (seed: number) => withSeededRandom(seed, () => tf.tidy(() => Array.from(tf.randomUniform([8]).dataSync())));
  const [a, b, c] = [draw(1), draw(1), draw(2)];
  if (a.join() !== b.join() || a.join() === c.join()) {
    throw new UsageError(
      `TF.js ${tf.version_core} no longer seeds its random ops from Math.random, so dropout masks and noise cannot be made repeatable from the run's seed; this library was tested with TF.js 4.22`,
    );
  }
  verified = true;
}
