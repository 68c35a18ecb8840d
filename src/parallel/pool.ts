/**
 * A pool of shard workers, one request at a time per worker:
 *
 *   ShardPool.start(model, n, classModules) ─► n × Worker(worker.mjs, bare topology, the user's modules) ─► wait for 'ready'
 *   pool.run(i, request) ─► Promise of worker i's reply        pool.close() ─► terminate all
 */
import type { Worker } from 'node:worker_threads';
import { currentBackend, startWorkers } from '../backends/index.ts';
import { errorLine } from '../error-line.ts';
import { UsageError } from '../errors.ts';
import { tf } from '../tf.ts';
import { importedModules } from '../user-modules/index.ts';
import { bareTopology, weightLayout } from './flat.ts';
import type { Reply, Request, ShardResult, WorkerSetup } from './protocol.ts';

/**
 * A model that cannot be split across shards without changing its result (`ShardedGradients.start`
 * refuses it): `why`, and the message advising local gradients. A UsageError (the caller chose worker
 * threads for it); `gradientsFor` catches it and takes one thread, saying why.
 *
 * @example
 * new UnshardableError('layer bn (BatchNormalization) uses the whole batch…').message   // '…; use local gradients'
 */
export class UnshardableError extends UsageError {
  override name = 'UnshardableError';
  constructor(readonly why: string) {
    super(`${why}; use local gradients`);
  }
}

type Pending = { resolve: (r: ShardResult) => void; reject: (e: Error) => void };

/** Omit<Request, 'id'> for each kind of request. */
export type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/** The shard workers of `ShardedGradients`, each with a copy of the model's layers (see the file's comment). */
export class ShardPool {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    /** The classes the workers knew only once they imported the user's modules (see `WorkerSetup.modules`). */
    readonly userClasses: readonly string[],
  ) {
    for (const w of workers) {
      w.on('message', (r: Reply) => this.settle(r));
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => {
        if (!this.closed) this.failAll(new Error(`a shard worker exited (code ${code})`));
      });
    }
  }

  /**
   * Start `count` workers, each with its own copy of `model`'s layers (weights come with each
   * request), given the user's modules this thread imported and `classModules` (file URLs), for the
   * layer classes they register.
   */
  static async start(model: tf.LayersModel, count: number, classModules: readonly string[] = []): Promise<ShardPool> {
    const setup: WorkerSetup = {
      topology: bareTopology(model),
      layout: weightLayout(model),
      backend: currentBackend()?.name ?? tf.getBackend(),
      modules: [...new Set([...importedModules(), ...classModules])],
    };
    let userClasses: readonly string[] = [];
    const workers = await startWorkers(new URL('./worker.mjs', import.meta.url), count, setup, (r: Reply) => {
      if (!('type' in r)) return undefined;
      if (r.type === 'failed') return r.unshardable ? new UnshardableError(r.error) : new Error(`a shard worker failed to start: ${errorLine(r.error)}`);
      userClasses = r.userClasses;
      return true;
    });
    return new ShardPool(workers, userClasses);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Send a request to worker `i`; its buffers are copied (the caller keeps them). A UsageError once the pool is closed. */
  run(i: number, body: RequestBody): Promise<ShardResult> {
    const w = this.workers[i];
    if (this.closed)
      return Promise.reject(new UsageError('the shard workers were closed (close()); start them again (ShardedGradients.start) to compute on them'));
    if (!w) return Promise.reject(new Error(`internal: no shard worker ${i}`));
    const id = this.nextId++;
    return new Promise<ShardResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...body, id });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('the shard pool was closed'));
  }

  private settle(r: Reply): void {
    if (!('id' in r)) return;
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('error' in r) p.reject(new Error(`shard worker: ${r.error}`));
    else p.resolve(r);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
