/**
 * Weights on their way to the worker threads (parallel/flat.ts): a weight of another dtype than
 * float32 (a custom layer's int32 counter) arrives in its own dtype and with its values, or is
 * refused when float32 cannot carry it exactly — never rounded.
 */
import { expect, it } from 'vitest';
import { tf, UsageError } from '../../src/index.ts';
import { assignFlat, flatTensors } from '../../src/parallel/flat.ts';

it('an int32 weight goes through flatTensors and assignFlat with its values and dtype (2^24 the largest carried)', () => {
  const [kernel, counter] = [tf.variable(tf.zeros([2, 2])), tf.variable(tf.zeros([2], 'int32'))];
  const flat = tf.tidy(() => flatTensors([tf.tensor2d([1, -2, 3.5, 4], [2, 2]), tf.tensor1d([3, 2 ** 24], 'int32')]));
  expect(Array.from(flat)).toEqual([1, -2, 3.5, 4, 3, 2 ** 24]);
  assignFlat([kernel, counter], flat);
  expect([counter.dtype, Array.from(counter.dataSync())]).toEqual(['int32', [3, 2 ** 24]]);
  expect(Array.from(kernel.dataSync())).toEqual([1, -2, 3.5, 4]);
  tf.dispose([kernel, counter]);
});

it('an int32 value float32 cannot hold exactly is refused, not rounded', () => {
  const big = tf.tensor1d([5, 2 ** 24 + 1], 'int32');
  expect(() => flatTensors([big])).toThrow(UsageError);
  expect(() => flatTensors([big])).toThrow(
    /^a weight of dtype int32 holds 16777217, which the float32 arrays that carry weights to the worker threads cannot hold exactly/,
  );
  // What would be right, in words (not a settings object such as "threads: 1").
  expect(() => flatTensors([big])).toThrow(
    /\(they hold whole numbers exactly up to 2\^24 = 16777216\); train this model on one thread, with no shard workers, where the weight stays int32$/,
  );
  big.dispose();
});
