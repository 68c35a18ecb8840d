/**
 * One ONNX Runtime session per kernel shape, built on first use and kept (least recently used
 * dropped past a limit):
 *
 *   cachedSession(key, build) ─► hit: the session      miss: build() ─► encode ─► load ─► keep
 *
 * `key` names the kernel and every shape and attribute that changes the graph. All sessions of
 * a thread share its thread settings (`setSessionThreads`); changing them drops the cache.
 */

import { encodeModel, type GraphSpec } from '../onnx/model.ts';
import { OrtSession, type SessionThreads } from './binding.ts';

/** Sessions kept per thread: the reference model needs about a dozen (training, evaluation, last batch). */
const MAX_SESSIONS = 96;

const cache = new Map<string, OrtSession>();
/** Keys whose builder said ONNX cannot run them: the host's kernel runs them. */
const unsupported = new Set<string>();
let threads: SessionThreads = { intraOp: 1, spinning: false };

/** Thread settings for sessions made from now on (the cache is dropped when they change). */
export function setSessionThreads(t: SessionThreads): void {
  if (t.intraOp === threads.intraOp && t.spinning === threads.spinning) return;
  threads = t;
  clearSessions();
}

/** The thread settings in force. */
export function sessionThreads(): SessionThreads {
  return threads;
}

/** The session for `key`, built from `build()` on first use; undefined when `build` gives no graph. */
export function cachedSession(key: string, build: () => GraphSpec | undefined): OrtSession | undefined {
  const hit = cache.get(key);
  if (hit) {
    // Re-insert: Map order is then least recently used first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  if (unsupported.has(key)) return undefined;
  const g = build();
  if (!g) {
    unsupported.add(key);
    return undefined;
  }
  const s = new OrtSession(encodeModel(g), threads, g.inputs, g.outputs, { arena: g.arena === true });
  cache.set(key, s);
  if (cache.size > MAX_SESSIONS) {
    const [oldest, session] = cache.entries().next().value as [string, OrtSession];
    cache.delete(oldest);
    session.dispose();
  }
  return s;
}

/** How many sessions are cached. */
export function sessionCount(): number {
  return cache.size;
}

/** Dispose every cached session. */
export function clearSessions(): void {
  for (const s of cache.values()) s.dispose();
  cache.clear();
}
