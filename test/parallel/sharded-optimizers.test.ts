/**
 * Nesterov momentum and Adagrad with the gradients of 2 shards (this thread and 1 shard worker, wasm)
 * move every weight as one thread does: their state lives on this thread, the workers send only
 * gradients.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ShardedGradients, selectBackend } from '../../src/node.ts';
import { expectMovedAlike, PATH_OPTIMIZERS, pathModel, threeSteps } from '../fixtures/optimizer-paths.ts';

describe('the optimisers with 2 shards = one thread (wasm)', () => {
  let sharded: ShardedGradients | undefined;
  beforeAll(async () => {
    await selectBackend('wasm', { threads: 2 });
    const m = await pathModel();
    sharded = await ShardedGradients.start(m, 1);
    m.dispose();
  }, 60_000);
  afterAll(async () => sharded?.close());

  it.each(PATH_OPTIMIZERS)(
    '%s: three steps',
    async (spec) => {
      const one = await threeSteps(spec);
      const two = await threeSteps(spec, sharded);
      expectMovedAlike(one, two, 1e-4);
    },
    120_000,
  );
});
