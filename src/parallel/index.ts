/**
 * Data-parallel gradients (Node only): each batch cut in shards, one per worker thread, each
 * running its own single-threaded backend with a copy of the layers; the main thread sums them.
 *
 *   gradientsFor(model, threads) (gradients-for.ts) ─► ShardedGradients (sharded.ts) over a ShardPool
 *   (pool.ts) of workers (worker-main.ts, started from worker.mjs), talking protocol.ts
 */

export { gradientsFor, stepThreads } from './gradients-for.ts';
export { ShardedGradients, shardsOf, UnshardableError } from './sharded.ts';
