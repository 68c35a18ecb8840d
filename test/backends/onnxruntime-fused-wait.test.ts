/**
 * waitAwake, the wait for a fused-graph worker's answer: it gives a worker up after the time the
 * process was running, not the wall-clock time — a process stopped with its workers (Ctrl-Z,
 * SIGSTOP) and resumed minutes later goes on instead of failing its run. The stop is played by a
 * clock that jumps a minute at every reading; the answer comes from a real worker thread.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitAwake } from '../../src/backends/onnxruntime/fused/protocol.ts';

/** A worker thread that sets control[0] to 1 and wakes its waiter after `ms` of real time. */
function answerAfter(control: Int32Array, ms: number): Worker {
  const code = `const { workerData } = require('node:worker_threads');
    setTimeout(() => { Atomics.store(workerData.control, 0, 1); Atomics.notify(workerData.control, 0); }, ${ms});`;
  return new Worker(code, { eval: true, workerData: { control } });
}

/** performance.now() as a clock that jumps `jumpMs` at every reading (a process stopped between them). */
function jumpingClock(jumpMs: number): void {
  let t = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => {
    t += jumpMs;
    return t;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('waitAwake', () => {
  it('returns at once when the word no longer holds the value, and on a wake-up', async () => {
    const control = new Int32Array(new SharedArrayBuffer(4));
    control[0] = 3;
    expect(waitAwake(control, 0, 2, 1000)).toBe('ok');
    const worker = answerAfter(control.fill(0), 50);
    expect(waitAwake(control, 0, 0, 10_000, 20)).toBe('ok');
    expect(control[0]).toBe(1);
    await worker.terminate();
  });

  it('gives up after its budget when nobody answers', () => {
    const control = new Int32Array(new SharedArrayBuffer(4));
    const start = Date.now();
    expect(waitAwake(control, 0, 0, 100, 20)).toBe('timed-out');
    expect(Date.now() - start).toBeGreaterThanOrEqual(90);
  });

  it('does not count the time the process was stopped: a minute between clock readings is two slices', async () => {
    const control = new Int32Array(new SharedArrayBuffer(4));
    const worker = answerAfter(control, 300);
    jumpingClock(60_000);
    // A budget of 1 s against answers after 0.3 s of real time, with the clock a minute further at
    // every slice of 20 ms: a wait timed by the clock would give up at its first slice.
    expect(waitAwake(control, 0, 0, 1000, 20)).toBe('ok');
    vi.restoreAllMocks();
    await worker.terminate();
    // The same stopped clock without an answer still gives up: each slice counts, at most twice.
    jumpingClock(60_000);
    control[0] = 0;
    expect(waitAwake(control, 0, 0, 200, 20)).toBe('timed-out');
  });
});
