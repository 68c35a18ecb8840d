/**
 * A fused-graph worker thread (workers.ts): ONNX Runtime sessions over shared inputs and outputs,
 * one intra-op thread each; no TF.js.
 *
 *   'loops' { port, control } ─► the channel of loop tasks (once, at start)
 *   'session' { id, model, inputs, outputs, shared } ─► OrtSession + its own arrays ─► { ok }
 *   'run' { id, skip? } ─► shared inputs copied in ─► run ─► outputs copied out (but those in
 *                 `skip`: not fetched, e.g. an evaluation's probs no one asked for) ─► runs done + 1 (Atomics)
 *                 ─► serving loop tasks (split-loops.ts: the optimiser's update after the shards)
 *                    until LEAVE, which the caller posts before its next message
 *   'dispose' { id } ─► the session freed
 *   'close' ─► every session freed ─► { ok, id: −1 } (then the caller ends the thread)
 */
import { type MessagePort, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { type LoopTask, runTask } from '../kernels/loops/split-loops.ts';
import type { ValueSpec } from '../onnx/model.ts';
import { loadBinding, OrtSession, type SessionOptions } from '../runtime/binding.ts';
import { DONE, FAILED, LEAVE, LOOP_CLAIMED, LOOP_DONE, LOOP_FAILED, LOOP_POSTED, LOOP_SPIN_MS } from './protocol.ts';

interface Shared {
  readonly inputs: Float32Array[];
  readonly outputs: Float32Array[];
  readonly control: Int32Array;
  readonly error: Uint8Array;
}

type Message =
  | { type: 'session'; id: number; model: Uint8Array; inputs: ValueSpec[]; outputs: ValueSpec[]; shared: Shared; options: SessionOptions }
  | { type: 'run'; id: number; skip?: readonly number[] }
  | { type: 'dispose'; id: number }
  | { type: 'loops'; port: MessagePort; control: Int32Array }
  | { type: 'close' };

const port = parentPort;
if (!port) throw new Error('worker-main.ts runs in a worker thread');

const sessions = new Map<number, { session: OrtSession; shared: Shared; inputs: Float32Array[]; outputs: Float32Array[] }>();

let loops: { port: MessagePort; control: Int32Array } | undefined;
/** Loop messages taken so far (the channel's count of posted ones runs ahead while one is in flight). */
let taken = 0;

/** Run the loop tasks posted on the channel until LEAVE (each one unless the caller took it back first). */
function serveLoops(port: MessagePort, control: Int32Array): void {
  for (;;) {
    const got = receiveMessageOnPort(port);
    if (!got) {
      // The tasks come in bursts (an optimiser's ops): a short spin before sleeping saves a wake-up each.
      const until = performance.now() + LOOP_SPIN_MS;
      while (Atomics.load(control, LOOP_POSTED) === taken && performance.now() < until);
      Atomics.wait(control, LOOP_POSTED, taken);
      continue;
    }
    taken++;
    const m = got.message as { seq: number; task: LoopTask } | typeof LEAVE;
    if (m === LEAVE) return;
    if (Atomics.compareExchange(control, LOOP_CLAIMED, m.seq - 1, m.seq) !== m.seq - 1) continue;
    try {
      runTask(m.task);
    } catch {
      Atomics.store(control, LOOP_FAILED, 1);
    }
    Atomics.store(control, LOOP_DONE, m.seq);
    Atomics.notify(control, LOOP_DONE);
  }
}

function run(id: number, skip: readonly number[] = []): void {
  const s = sessions.get(id);
  if (!s) throw new Error(`no session ${id}`);
  s.inputs.forEach((a, i) => a.set(s.shared.inputs[i]!));
  const outs = s.outputs.map((a, i) => (skip.includes(i) ? undefined : a));
  s.session.run(s.inputs, outs);
  outs.forEach((a, i) => a && s.shared.outputs[i]!.set(a));
}

try {
  loadBinding();
  port.on('message', (m: Message) => {
    if (m.type === 'session') {
      try {
        const session = new OrtSession(m.model, { intraOp: 1, spinning: false }, m.inputs, m.outputs, m.options);
        const own = (a: Float32Array) => new Float32Array(a.length);
        sessions.set(m.id, { session, shared: m.shared, inputs: m.shared.inputs.map(own), outputs: m.shared.outputs.map(own) });
        port.postMessage({ type: 'ok', id: m.id });
      } catch (e) {
        port.postMessage({ type: 'failed', id: m.id, error: e instanceof Error ? e.message : String(e) });
      }
    } else if (m.type === 'run') {
      const s = sessions.get(m.id);
      try {
        run(m.id, m.skip);
      } catch (e) {
        if (s) {
          s.shared.error.set(new TextEncoder().encode((e instanceof Error ? e.message : String(e)).slice(0, 1000)));
          Atomics.store(s.shared.control, FAILED, 1);
        }
      }
      if (s) {
        Atomics.add(s.shared.control, DONE, 1);
        Atomics.notify(s.shared.control, DONE);
      }
      if (loops) serveLoops(loops.port, loops.control);
    } else if (m.type === 'loops') {
      loops = { port: m.port, control: m.control };
    } else if (m.type === 'dispose') {
      sessions.get(m.id)?.session.dispose();
      sessions.delete(m.id);
    } else if (m.type === 'close') {
      // Every session freed before the thread is ended (not torn down under a running thread).
      for (const s of sessions.values()) s.session.dispose();
      sessions.clear();
      port.postMessage({ type: 'ok', id: -1 });
    }
  });
  port.postMessage({ type: 'ok', id: 0 });
} catch (e) {
  port.postMessage({ type: 'failed', id: 0, error: e instanceof Error ? e.message : String(e) });
}
