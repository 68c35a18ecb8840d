/**
 * The TF.js internal that repeatable runs rely on (src/training/seeded-random.ts): TF.js's random
 * ops and random layers, called without a seed, take one from Math.random. If a TF.js version
 * changes that, these tests fail (and `checkSeededRandom` refuses to train a model with random layers).
 */
import { describe, expect, it } from 'vitest';
import { tf, UsageError, withSeededRandom } from '../../src/index.ts';
import { checkSeededRandom, drawsRandom, mixSeeds } from '../../src/training/seeded-random.ts';

// Varied inputs and weights, so that different masks give different outputs (not only in a few values).
const x3 = () => tf.randomUniform([4, 6, 5], 0.5, 1.5, 'float32', 1);
const x2 = () => tf.randomUniform([8, 10], 0.5, 1.5, 'float32', 2);

/** Each of TF.js's random draws of training, as values (in training mode where it is a layer). */
const DRAWS: ReadonlyArray<readonly [string, () => number[]]> = [
  ['tf.randomUniform', () => Array.from(tf.randomUniform([16]).dataSync())],
  ['tf.randomNormal', () => Array.from(tf.randomNormal([16]).dataSync())],
  ['tf.dropout', () => Array.from(tf.dropout(x2(), 0.5).dataSync())],
  ...(
    [
      ['Dropout', () => tf.layers.dropout({ rate: 0.5 }), x2],
      ['SpatialDropout1D', () => tf.layers.spatialDropout1d({ rate: 0.5 }), x3],
      ['GaussianNoise', () => tf.layers.gaussianNoise({ stddev: 1 }), x2],
      ['GaussianDropout', () => tf.layers.gaussianDropout({ rate: 0.5 }), x2],
      ['AlphaDropout', () => tf.layers.alphaDropout({ rate: 0.5 }), x2],
      [
        'GRU with dropout',
        () =>
          tf.layers.gru({
            units: 3,
            dropout: 0.5,
            recurrentDropout: 0.5,
            kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
            recurrentInitializer: tf.initializers.glorotUniform({ seed: 4 }),
          }),
        x3,
      ],
    ] as const
  ).map(([name, make, input]) => {
    const layer = make();
    return [name, () => Array.from((layer.apply(input(), { training: true }) as tf.Tensor).dataSync())] as const;
  }),
];

describe('TF.js draws its unseeded random numbers from Math.random', () => {
  it.each(DRAWS)('%s: the same under the same seed, different under another, and random without one', (_name, draw) => {
    const at = (seed: number) => withSeededRandom(seed, () => tf.tidy(draw));
    expect(at(1)).toEqual(at(1));
    expect(at(1)).not.toEqual(at(2));
    expect(tf.tidy(draw)).not.toEqual(tf.tidy(draw));
  });

  it('puts Math.random back after the pass, also when it throws', () => {
    const before = Math.random;
    withSeededRandom(3, () => tf.tidy(() => tf.randomUniform([2])));
    expect(Math.random).toBe(before);
    expect(() =>
      withSeededRandom(3, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(before);
  });

  it('refuses a function returning a Promise with a UsageError (the generator would be gone when it runs on)', () => {
    const before = Math.random;
    expect(() => withSeededRandom(3, async () => 1)).toThrow(UsageError);
    expect(Math.random).toBe(before);
  });

  it('checkSeededRandom passes on this TF.js; drawsRandom finds random layers, nested ones too', () => {
    expect(() => checkSeededRandom()).not.toThrow();
    const plain = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const inner = tf.sequential({ layers: [tf.layers.dropout({ rate: 0.2, inputShape: [2] })] });
    const nested = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), inner] });
    const rnn = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [4, 3], recurrentDropout: 0.1 })] });
    expect([plain, nested, rnn].map(drawsRandom)).toEqual([false, true, true]);
  });

  it('mixSeeds spreads (seed, epoch, batch) apart', () => {
    const seeds = new Set<number>();
    for (let e = 1; e <= 20; e++) for (let b = 0; b < 50; b++) seeds.add(mixSeeds(42, e, b));
    expect(seeds.size).toBe(1000);
    expect(mixSeeds(42, 1, 2)).toBe(mixSeeds(42, 1, 2));
  });
});
