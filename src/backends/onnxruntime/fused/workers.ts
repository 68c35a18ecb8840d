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
 * The caller runs its own shard meanwhile, on its thread. After a run, a worker serves loop tasks
 * (its `LoopLink`: the caller's large element-wise loops cut across threads, split-loops.ts)
 * until the caller's next message, which a LEAVE on the loop channel precedes.
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { errorLine } from '../../../error-line.ts';
import { awaitReply, startWorkers } from '../../workers.ts';
import { type LoopHelper, type LoopTask, runTask } from '../kernels/loops/split-loops.ts';
import type { GraphSpec, ValueSpec } from '../onnx/model.ts';
import { encodeModel } from '../onnx/model.ts';
import type { SessionOptions } from '../runtime/binding.ts';
import {
  CONTROL_WORDS,
  DONE,
  ERROR_BYTES,
  FAILED,
  LEAVE,
  LOOP_CLAIMED,
  LOOP_DONE,
  LOOP_FAILED,
  LOOP_POSTED,
  LOOP_SPIN_MS,
  LOOP_WORDS,
  waitAwake,
} from './protocol.ts';

/** How long a run may take before the worker is given up (a run of the reference model takes well under a second); time the process was stopped does not count (waitAwake). */
const TIMEOUT_MS = 120_000;

/** How long a closing worker may take to free its sessions before its thread is ended anyway. */
const CLOSE_TIMEOUT_MS = 5000;

const size = (v: ValueSpec) => v.shape.reduce((a, d) => a * d, 1);
const shared = (n: number) => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));

/**
 * A worker and its loop channel: every message to the worker goes through `send`, which first
 * ends its serving of loop tasks; as a `LoopHelper` it takes tasks while its last run is done.
 */
export class LoopLink implements LoopHelper {
  /** The worker serves loop tasks (or will, once its run is done) until a LEAVE. */
  private serving = false;
  /** Its run is done: tasks may be posted. */
  private idle = false;
  /** Tasks posted so far (the last one's number). */
  private tasks = 0;
  /** The task started and not yet finished. */
  private pending: LoopTask | undefined;

  private constructor(
    readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly control: Int32Array,
  ) {}

  /** The link of `worker` (its channel's other end sent to it). */
  static open(worker: Worker): LoopLink {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    const control = new Int32Array(new SharedArrayBuffer(LOOP_WORDS * 4));
    worker.postMessage({ type: 'loops', port: port2, control }, [port2]);
    return new LoopLink(worker, port1, control);
  }

  /** Post `message` to the worker (its loop serving ended first); `run`: it serves loops after this one. */
  send(message: unknown, run = false): void {
    if (this.serving) this.post(LEAVE);
    this.serving = run;
    this.idle = false;
    this.worker.postMessage(message);
  }

  /** The run posted last is done (the worker serves loop tasks now). */
  ranToEnd(): void {
    this.idle = this.serving;
  }

  /** A message on the loop channel, counted where the worker waits for one. */
  private post(message: { seq: number; task: LoopTask } | typeof LEAVE): void {
    this.port.postMessage(message);
    Atomics.add(this.control, LOOP_POSTED, 1);
    Atomics.notify(this.control, LOOP_POSTED);
  }

  ready(): boolean {
    return this.idle && this.pending === undefined;
  }

  start(task: LoopTask): void {
    if (!this.ready()) throw new Error('internal: a loop task for a worker that is not serving');
    this.pending = task;
    this.post({ seq: ++this.tasks, task });
  }

  /**
   * The task started last done: taken back and run here if the worker has not claimed it yet (it
   * was not scheduled in time: a busy machine), else waited for; throws if the worker's threw.
   */
  finish(): void {
    const [seq, task] = [this.tasks, this.pending];
    if (task === undefined) return;
    this.pending = undefined;
    if (Atomics.compareExchange(this.control, LOOP_CLAIMED, seq - 1, seq) === seq - 1) {
      runTask(task);
      return;
    }
    const until = performance.now() + LOOP_SPIN_MS;
    while (Atomics.load(this.control, LOOP_DONE) < seq && performance.now() < until);
    for (;;) {
      const done = Atomics.load(this.control, LOOP_DONE);
      if (done >= seq) break;
      if (waitAwake(this.control, LOOP_DONE, done, TIMEOUT_MS) === 'timed-out') throw new Error('a fused-graph worker did not finish a loop');
    }
    if (Atomics.exchange(this.control, LOOP_FAILED, 0) !== 0) throw new Error('a fused-graph worker failed a loop task');
  }
}

/** A session in a worker: its shared inputs and outputs, in the graph's order. */
export class RemoteSession {
  private runs = 0;

  constructor(
    private readonly link: LoopLink,
    readonly id: number,
    readonly inputs: readonly Float32Array[],
    readonly outputs: readonly Float32Array[],
    private readonly control: Int32Array,
    private readonly error: Uint8Array,
  ) {}

  /** Start a run on what the shared inputs hold now; the outputs of index `skip` are not fetched (their shared arrays keep what they held). */
  start(skip: readonly number[] = []): void {
    this.runs++;
    this.link.send({ type: 'run', id: this.id, ...(skip.length ? { skip } : {}) }, true);
  }

  /** Block until the run started last is done; throws its error. */
  wait(): void {
    while (Atomics.load(this.control, DONE) < this.runs) {
      if (waitAwake(this.control, DONE, this.runs - 1, TIMEOUT_MS) === 'timed-out') throw new Error('a fused-graph worker did not answer');
    }
    if (Atomics.load(this.control, FAILED) !== 0) {
      const text = new TextDecoder().decode(this.error.slice()).replace(/\0+$/, '');
      throw new Error(`a fused-graph worker failed: ${text}`);
    }
    this.link.ranToEnd();
  }

  dispose(): void {
    this.link.send({ type: 'dispose', id: this.id });
  }
}

/** The worker threads of the fused graph's data-parallel shards (see the file's comment). */
export class SessionWorkers {
  private nextId = 1;

  private constructor(private readonly links: LoopLink[]) {}

  /** Start `count` workers (each with ONNX Runtime loaded and its loop channel). */
  static async start(count: number): Promise<SessionWorkers> {
    const ready = (m: { type: string; id: number; error?: string }) =>
      m.id !== 0 ? undefined : m.type === 'ok' ? true : new Error(`a fused-graph worker failed to start: ${errorLine(m.error ?? m.type)}`);
    const workers = await startWorkers(new URL('./fused-worker.mjs', import.meta.url), count, undefined, ready);
    return new SessionWorkers(workers.map((w) => LoopLink.open(w)));
  }

  get count(): number {
    return this.links.length;
  }

  /** The workers as loop helpers (each takes tasks between its runs). */
  get loopHelpers(): readonly LoopHelper[] {
    return this.links;
  }

  /** A session of `g` in every worker. */
  async create(g: GraphSpec, options: SessionOptions): Promise<RemoteSession[]> {
    const model = encodeModel(g);
    return Promise.all(
      this.links.map(async (link) => {
        const id = this.nextId++;
        const inputs = g.inputs.map((v) => shared(size(v)));
        const outputs = g.outputs.map((v) => shared(size(v)));
        const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
        const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
        link.send({ type: 'session', id, model, inputs: g.inputs, outputs: g.outputs, shared: { inputs, outputs, control, error }, options });
        await reply(link.worker, id);
        return new RemoteSession(link, id, inputs, outputs, control, error);
      }),
    );
  }

  /** End the workers: each leaves its loop serving, frees its sessions and answers, then its thread is ended. */
  async close(): Promise<void> {
    await Promise.all(
      this.links.map(async (link) => {
        const closed = reply(link.worker, -1).catch(() => undefined);
        link.send({ type: 'close' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))]);
        clearTimeout(timer);
        await link.worker.terminate();
      }),
    );
  }
}

/** The worker's reply `{ type: 'ok', id }` (0: started), or its failure. */
function reply(w: Worker, id: number): Promise<void> {
  return awaitReply(w, (m: { type: string; id: number; error?: string }) =>
    m.id !== id ? undefined : m.type === 'ok' ? true : new Error(`a fused-graph worker failed: ${m.error ?? m.type}`),
  );
}
