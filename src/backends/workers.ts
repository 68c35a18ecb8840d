/**
 * Starting worker threads and waiting for one reply of each, with no listener left behind —
 * what the per-kernel shard pool (src/parallel/pool.ts) and the fused graph's shard workers
 * (onnxruntime/fused/workers.ts) share:
 *
 *   startWorkers(url, count, data, ready) ─► count × Worker(url, data) ─► each one's first message `ready` accepts
 *   awaitReply(w, accept) ─► the first message `accept` takes (true) or refuses (an error), or the worker's death
 */
import { Worker } from 'node:worker_threads';

/** What a reply means: `true` (the awaited one), an error (refused), or undefined (not this one). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller types its own messages
export type ReplyCheck = (message: any) => true | Error | undefined;

/** Resolves on the first message `accept` takes; rejects on one it refuses, or if the worker fails or exits first. */
export function awaitReply(w: Worker, accept: ReplyCheck): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      w.off('message', onMessage);
      w.off('error', done);
      w.off('exit', onExit);
      if (e) reject(e);
      else resolve();
    };
    const onMessage = (m: unknown) => {
      const r = accept(m);
      if (r === true) done();
      else if (r) done(r);
    };
    const onExit = (code: number) => done(new Error(`a worker thread exited (code ${code})`));
    w.on('message', onMessage);
    w.on('error', done);
    w.on('exit', onExit);
  });
}

/** Start `count` workers of `url` with `data`, each ready when `ready` takes one of its messages; none left running on failure. */
export async function startWorkers(url: URL, count: number, data: unknown, ready: ReplyCheck): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => new Worker(url, { workerData: data }));
  try {
    await Promise.all(workers.map((w) => awaitReply(w, ready)));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  return workers;
}
