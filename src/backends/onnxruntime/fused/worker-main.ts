/**
 * A fused-graph worker thread (workers.ts): ONNX Runtime sessions over shared inputs and outputs,
 * one intra-op thread each; no TF.js.
 *
 *   'session' { id, model, inputs, outputs, shared } ─► OrtSession + its own arrays ─► { ok }
 *   'run' { id }  ─► shared inputs copied in ─► run ─► outputs copied out ─► runs done + 1 (Atomics)
 *   'dispose' { id } ─► the session freed
 */
import { parentPort } from 'node:worker_threads';
import type { ValueSpec } from '../onnx/model.ts';
import { loadBinding, OrtSession, type SessionOptions } from '../runtime/binding.ts';
import { DONE, FAILED } from './protocol.ts';

interface Shared {
  readonly inputs: Float32Array[];
  readonly outputs: Float32Array[];
  readonly control: Int32Array;
  readonly error: Uint8Array;
}

type Message =
  | { type: 'session'; id: number; model: Uint8Array; inputs: ValueSpec[]; outputs: ValueSpec[]; shared: Shared; options: SessionOptions }
  | { type: 'run'; id: number }
  | { type: 'dispose'; id: number };

const port = parentPort;
if (!port) throw new Error('worker-main.ts runs in a worker thread');

const sessions = new Map<number, { session: OrtSession; shared: Shared; inputs: Float32Array[]; outputs: Float32Array[] }>();

function run(id: number): void {
  const s = sessions.get(id);
  if (!s) throw new Error(`no session ${id}`);
  s.inputs.forEach((a, i) => a.set(s.shared.inputs[i]!));
  s.session.run(s.inputs, s.outputs);
  s.outputs.forEach((a, i) => s.shared.outputs[i]!.set(a));
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
        run(m.id);
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
    } else if (m.type === 'dispose') {
      sessions.get(m.id)?.session.dispose();
      sessions.delete(m.id);
    }
  });
  port.postMessage({ type: 'ok', id: 0 });
} catch (e) {
  port.postMessage({ type: 'failed', id: 0, error: e instanceof Error ? e.message : String(e) });
}
