/** The control words a fused-graph session shares with its worker (workers.ts ⇄ worker-main.ts). */

/** [runs done, failed (1 when the last run threw)], an Int32Array over a SharedArrayBuffer. */
export const DONE = 0;
/** The control word set to 1 when the last run threw. */
export const FAILED = 1;
/** How many control words there are. */
export const CONTROL_WORDS = 2;
/** Bytes for the error text of a failed run. */
export const ERROR_BYTES = 2048;

/**
 * The control words of a worker's loop channel (split loops, kernels/loops/split-loops.ts), an
 * Int32Array over a SharedArrayBuffer: [messages posted, the last task claimed, the last task the
 * worker finished, failed (1 when a task threw)]. Tasks are numbered 1, 2, … and each is claimed
 * once, by the worker or by the caller taking it back (a compare-exchange from the one before).
 * The tasks themselves ({ seq, task }, and `LEAVE`) are messages on the channel's port, read
 * synchronously.
 */
export const LOOP_POSTED = 0;
/** The loop channel's word: the last task claimed. */
export const LOOP_CLAIMED = 1;
/** The loop channel's word: the last task the worker finished. */
export const LOOP_DONE = 2;
/** The loop channel's word: 1 when a task threw. */
export const LOOP_FAILED = 3;
/** How many words the loop channel has. */
export const LOOP_WORDS = 4;
/**
 * How long a side spins for the other (the next task, a task's end) before it sleeps in
 * Atomics.wait (a wake-up from it costs ~50–100 µs here). Measured on the reference model's step
 * (3 rounds of 0, 0.1 and 0.5 ms): the step outside the gradients took the same wall time within
 * this machine's noise, 0.5 ms ~4 ms more CPU time a step (the worker spinning through the
 * optimiser's small ops) — so a short spin.
 */
export const LOOP_SPIN_MS = 0.1;
/** The message that ends a worker's serving of loop tasks (it returns to its messages). */
export const LEAVE = 'leave';

/** How long one Atomics.wait of `waitAwake` blocks before it looks at the clock. */
export const WAIT_SLICE_MS = 1000;

/**
 * Atomics.wait on `control[index]` while it holds `value`, giving up after `timeoutMs` of time the
 * process was running: it waits in slices, and a slice that took far longer than asked — the
 * process was stopped (Ctrl-Z, SIGSTOP, a suspended machine) with its workers — counts as two
 * slices, so a resumed process does not give up a worker that was stopped along with it.
 * 'ok' as soon as the word is not `value` (woken or changed); 'timed-out' when the budget is spent.
 *
 * @example
 * if (waitAwake(control, DONE, runs - 1, 120_000) === 'timed-out') throw new Error('no answer');
 */
export function waitAwake(control: Int32Array, index: number, value: number, timeoutMs: number, sliceMs = WAIT_SLICE_MS): 'ok' | 'timed-out' {
  let spent = 0;
  for (;;) {
    const start = performance.now();
    if (Atomics.wait(control, index, value, Math.max(0, Math.min(sliceMs, timeoutMs - spent))) !== 'timed-out') return 'ok';
    spent += Math.min(performance.now() - start, 2 * sliceMs);
    if (spent >= timeoutMs) return 'timed-out';
  }
}
