/**
 * Reusing the memory of kernel outputs. A fresh large Float32Array costs a page fault per 4 kB
 * the first time it is written: measured 9 ms to fill a new 19 MB array against 0.4 ms for a
 * used one, and 23 against 13 ms for an ONNX Runtime Add into it — at a few hundred MB of
 * outputs per training step, as much time as the arithmetic. So the arrays ONNX Runtime writes
 * come from here, and go back when the last tensor viewing them is disposed:
 *
 *   take(n) ─► free array of n floats, or a new one           (tracked: views = 0)
 *   host write(values)      values' buffer tracked ─► views + 1  (our outputs, and the host's
 *                                                               slices and reshapes of them)
 *   host disposeData(id)    views − 1 ─► 0: the array is free again
 *   host readSync/read(id)  the buffer has escaped to user code (dataSync returns it itself):
 *                           never reused, left to the garbage collector
 *
 * Free arrays are kept up to MAX_FREE_BYTES in all, so the pool cannot hold more than that idle,
 * and only up to MAX_POOLED_FLOATS each: a training step's arrays (the reference model's largest:
 * 4.7 M floats at batch 128 on one thread) come back every step; an evaluation chunk's (86 MB at
 * 1000 samples) would only sit there. A free array unused for IDLE_MS is dropped: after training,
 * through the evaluations of a prune curve, the step's arrays would otherwise sit idle (measured
 * ~130 MB a thread at batch 64).
 */
import type { HostStorage } from './tfjs-internals.ts';

/** Idle memory the pool may keep, in bytes (a training step of the reference model frees ~130 MB at batch 64). */
const MAX_FREE_BYTES = 160 * 1024 * 1024;
/** Larger arrays are not kept when freed. */
const MAX_POOLED_FLOATS = 6 * 1024 * 1024;
/** A free array unused this long is dropped (a training step reuses them every ~0.1–0.3 s). */
const IDLE_MS = 5000;
/** Smaller arrays are not worth pooling (their memory is already warm in the allocator). */
const MIN_POOLED_FLOATS = 16 * 1024;

/** The free list of arrays of n floats: plain (n) or shared (−n). */
const freeKey = (n: number, shared: boolean): number => (shared ? -n : n);

/** Whether `values` is a typed array over a SharedArrayBuffer. */
export function isSharedView(values: unknown): values is Float32Array {
  return values instanceof Float32Array && typeof SharedArrayBuffer !== 'undefined' && values.buffer instanceof SharedArrayBuffer;
}

interface Tracked {
  views: number;
}

/** A pool of Float32Arrays for one host backend instance. */
export class BufferPool {
  private readonly tracked = new Map<ArrayBufferLike, Tracked>();
  /** Free arrays by `freeKey`, each with when it was freed. */
  private readonly free = new Map<number, Array<{ a: Float32Array; since: number }>>();
  private freeBytes = 0;
  private lastSweep = 0;

  /** An array of n floats, its contents undefined: the caller writes every element. */
  take(n: number): Float32Array {
    return this.takeOf(n, false);
  }

  /**
   * An array of n floats over a SharedArrayBuffer (helper threads write it: split loops), its
   * contents undefined. ONNX Runtime takes no shared memory (binding.ts copies it), and a read
   * of its tensor by user code gives a copy.
   */
  takeShared(n: number): Float32Array {
    return this.takeOf(n, true);
  }

  private takeOf(n: number, shared: boolean): Float32Array {
    this.dropIdle();
    const fresh = () => (shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n));
    if (n < MIN_POOLED_FLOATS || n > MAX_POOLED_FLOATS) return fresh();
    const reused = this.free.get(freeKey(n, shared))?.pop()?.a;
    const a = reused ?? fresh();
    if (reused) this.freeBytes -= a.byteLength;
    this.tracked.set(a.buffer, { views: 0 });
    return a;
  }

  /** Drop free arrays unused for IDLE_MS (looked at once a second). */
  private dropIdle(): void {
    const now = performance.now();
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [n, list] of this.free) {
      const kept = list.filter((e) => now - e.since < IDLE_MS);
      for (const e of list) {
        if (kept.includes(e)) continue;
        this.tracked.delete(e.a.buffer);
        this.freeBytes -= e.a.byteLength;
      }
      if (kept.length === 0) this.free.delete(n);
      else this.free.set(n, kept);
    }
  }

  /** Keep `a`'s buffer from reuse while something other than a tensor still reads it (a deferred kernel). */
  retain(a: Float32Array): void {
    this.view(a, +1);
  }

  /** Undo `retain`. */
  release(a: Float32Array): void {
    this.view(a, -1);
  }

  /** Give back an array from `take` that no tensor took (a failed run). */
  giveBack(a: Float32Array): void {
    const t = this.tracked.get(a.buffer);
    if (t && t.views === 0) this.recycle(a.buffer);
  }

  /** Idle bytes held, buffers tracked (free or in use), and of those in use. */
  stats(): { freeBytes: number; tracked: number; inUse: number } {
    let free = 0;
    for (const list of this.free.values()) free += list.length;
    return { freeBytes: this.freeBytes, tracked: this.tracked.size, inUse: this.tracked.size - free };
  }

  /** Drop every idle array. */
  clear(): void {
    for (const list of this.free.values()) for (const { a } of list) this.tracked.delete(a.buffer);
    this.free.clear();
    this.freeBytes = 0;
  }

  /** Wrap a host backend's storage methods so the pool sees every view made and freed. */
  attach(b: HostStorage): void {
    const write = b.write.bind(b);
    const move = b.move.bind(b);
    const disposeData = b.disposeData.bind(b);
    const readSync = b.readSync.bind(b);
    const read = b.read.bind(b);
    b.write = (values, shape, dtype) => {
      this.view(values, +1);
      return write(values, shape, dtype);
    };
    b.move = (dataId, values, shape, dtype, refCount) => {
      this.view(values, +1);
      move(dataId, values, shape, dtype, refCount);
    };
    b.disposeData = (dataId, force) => {
      const values = b.data.get(dataId)?.values;
      const gone = disposeData(dataId, force);
      if (gone && !b.data.has(dataId)) this.view(values, -1);
      return gone;
    };
    // A shared array is read as a copy (it stays the pool's); any other escapes to the reader.
    b.readSync = (dataId) => {
      const values = b.data.get(dataId)?.values;
      if (isSharedView(values)) return values.slice();
      this.escape(values);
      return readSync(dataId);
    };
    b.read = (dataId) => {
      const values = b.data.get(dataId)?.values;
      if (isSharedView(values)) return Promise.resolve(values.slice());
      this.escape(values);
      return read(dataId);
    };
  }

  private view(values: unknown, delta: 1 | -1): void {
    if (!ArrayBuffer.isView(values)) return;
    const t = this.tracked.get(values.buffer);
    if (!t) return;
    t.views += delta;
    if (t.views === 0) this.recycle(values.buffer);
  }

  private escape(values: unknown): void {
    if (ArrayBuffer.isView(values)) this.tracked.delete(values.buffer);
  }

  private recycle(buffer: ArrayBufferLike): void {
    const a = new Float32Array(buffer);
    if (this.freeBytes + a.byteLength > MAX_FREE_BYTES) {
      this.tracked.delete(buffer);
      return;
    }
    const key = freeKey(a.length, isSharedView(a));
    const list = this.free.get(key) ?? [];
    list.push({ a, since: performance.now() });
    this.free.set(key, list);
    this.freeBytes += a.byteLength;
  }
}
