/**
 * Worker threads running ONNX Runtime sessions for the fused graph's data-parallel shards. A
 * worker holds no model and no TF.js: only sessions, each with shared arrays (SharedArrayBuffer)
 * for its inputs and outputs, so a step sends no weights or gradients as messages:
 *
 *   create(graph) ─► each worker: OrtSession (1 intra-op thread) + shared inputs/outputs ─► ready
 *   per run: the caller fills the shared inputs (its shard of the batch, the weights), start()
 *     ─► the worker copies them to its own arrays (ONNX Runtime takes no shared memory), runs,
 *        copies the outputs back and counts the run done (Atomics) ─► wait() returns
 *
 * The caller runs its own shard meanwhile, on its thread.
 */
import type { Worker } from 'node:worker_threads';
import { awaitReply, startWorkers } from '../../workers.ts';
import type { GraphSpec, ValueSpec } from '../onnx/model.ts';
import { encodeModel } from '../onnx/model.ts';
import type { SessionOptions } from '../runtime/binding.ts';
import { CONTROL_WORDS, DONE, ERROR_BYTES, FAILED } from './protocol.ts';

/** How long a run may take before the worker is given up (a run of the reference model takes well under a second). */
const TIMEOUT_MS = 120_000;

const size = (v: ValueSpec) => v.shape.reduce((a, d) => a * d, 1);
const shared = (n: number) => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));

/** A session in a worker: its shared inputs and outputs, in the graph's order. */
export class RemoteSession {
  private runs = 0;

  constructor(
    private readonly worker: Worker,
    readonly id: number,
    readonly inputs: readonly Float32Array[],
    readonly outputs: readonly Float32Array[],
    private readonly control: Int32Array,
    private readonly error: Uint8Array,
  ) {}

  /** Start a run on what the shared inputs hold now. */
  start(): void {
    this.runs++;
    this.worker.postMessage({ type: 'run', id: this.id });
  }

  /** Block until the run started last is done; throws its error. */
  wait(): void {
    while (Atomics.load(this.control, DONE) < this.runs) {
      if (Atomics.wait(this.control, DONE, this.runs - 1, TIMEOUT_MS) === 'timed-out') throw new Error('a fused-graph worker did not answer');
    }
    if (Atomics.load(this.control, FAILED) !== 0) {
      const text = new TextDecoder().decode(this.error.slice()).replace(/\0+$/, '');
      throw new Error(`a fused-graph worker failed: ${text}`);
    }
  }

  dispose(): void {
    this.worker.postMessage({ type: 'dispose', id: this.id });
  }
}

export class SessionWorkers {
  private nextId = 1;

  private constructor(private readonly workers: Worker[]) {}

  /** Start `count` workers (each with ONNX Runtime loaded). */
  static async start(count: number): Promise<SessionWorkers> {
    const ready = (m: { type: string; id: number; error?: string }) =>
      m.id !== 0 ? undefined : m.type === 'ok' ? true : new Error(`a fused-graph worker failed to start: ${m.error ?? m.type}`);
    return new SessionWorkers(await startWorkers(new URL('./fused-worker.mjs', import.meta.url), count, undefined, ready));
  }

  get count(): number {
    return this.workers.length;
  }

  /** A session of `g` in every worker. */
  async create(g: GraphSpec, options: SessionOptions): Promise<RemoteSession[]> {
    const model = encodeModel(g);
    return Promise.all(
      this.workers.map(async (w) => {
        const id = this.nextId++;
        const inputs = g.inputs.map((v) => shared(size(v)));
        const outputs = g.outputs.map((v) => shared(size(v)));
        const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
        const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
        w.postMessage({ type: 'session', id, model, inputs: g.inputs, outputs: g.outputs, shared: { inputs, outputs, control, error }, options });
        await reply(w, id);
        return new RemoteSession(w, id, inputs, outputs, control, error);
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The worker's reply `{ type: 'ok', id }` (0: started), or its failure. */
function reply(w: Worker, id: number): Promise<void> {
  return awaitReply(w, (m: { type: string; id: number; error?: string }) =>
    m.id !== id ? undefined : m.type === 'ok' ? true : new Error(`a fused-graph worker failed: ${m.error ?? m.type}`),
  );
}
