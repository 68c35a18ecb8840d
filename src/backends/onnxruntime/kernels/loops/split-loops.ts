/**
 * The element-wise loops (elementwise-loops.ts) cut across threads: while helper threads are idle
 * (the fused graph's shard workers, between their runs: the optimiser's update comes after the
 * shards), a large loop gives each helper a contiguous range of its output and runs the first
 * range here:
 *
 *   out [n] ─► ranges [0, c₁) here, [c₁, c₂) … on the helpers (cuts at multiples of a repeating
 *              side's period) ─► each range the same loop on subarrays ─► wait for the helpers
 *
 * A helper reads and writes the arrays themselves, so the output and every full-size input must
 * be SharedArrayBuffers (the pool's shared arrays: `sharedOutputs`); a loop over other arrays runs
 * here whole. Each element is computed by the same float32 operation as before: the results are
 * bit for bit those of one thread.
 */
import { type AdadeltaArrays, type AdadeltaConstants, adadeltaLoop } from './adadelta-loop.ts';
import { type AdamArrays, type AdamConstants, adamLoop } from './adam-loop.ts';
import { type BinaryOp, binaryLoop, type UnaryOp, unaryLoop } from './elementwise-loops.ts';
import { type RmsArrays, type RmsConstants, rmsLoop } from './rms-loop.ts';

/**
 * Loops of fewer elements run here whole: a task's message and wake-up cost ~50–100 µs of both
 * threads (measured: a 73 728-element Multiply, ~250 µs, no faster cut in two).
 */
export const MIN_SPLIT_ELEMENTS = 128 * 1024;

/** Elements [from, to) of a loop's output. */
export type LoopTask =
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly a: Float32Array;
      readonly pa: number;
      readonly b: Float32Array;
      readonly pb: number;
      readonly out: Float32Array;
      readonly from: number;
      readonly to: number;
    }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly x: Float32Array; readonly out: Float32Array; readonly from: number; readonly to: number }
  | StepTask;

/** A step's task: its arrays (every one full-size), its constants, `out` its first output (u), elements [from, to). */
interface Step<K extends string, A, C> {
  readonly kind: K;
  readonly arrays: A;
  readonly constants: C;
  readonly out: Float32Array;
  readonly from: number;
  readonly to: number;
}

/** An optimiser's step as one loop (adadelta-loop.ts, adam-loop.ts, rms-loop.ts). */
export type StepTask = Step<'adadelta', AdadeltaArrays, AdadeltaConstants> | Step<'adam', AdamArrays, AdamConstants> | Step<'rms', RmsArrays, RmsConstants>;

/** A thread that runs loop tasks: `ready` while it is idle, `start` hands it one, `finish` waits for it (throws its error). */
export interface LoopHelper {
  ready(): boolean;
  start(task: LoopTask): void;
  finish(): void;
}

let helpers: readonly LoopHelper[] = [];

/** The helpers large loops are cut across from now on (none: every loop on this thread). */
export function setLoopHelpers(list: readonly LoopHelper[]): void {
  helpers = list;
}

/** The helpers in use now. */
export function loopHelpers(): readonly LoopHelper[] {
  return helpers;
}

/** Whether a loop output of n elements should be a shared array (helpers exist to share it with). */
export function sharedOutputs(n: number): boolean {
  return helpers.length > 0 && n >= MIN_SPLIT_ELEMENTS;
}

const isShared = (a: Float32Array): boolean => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

/** Run a task's range on this thread. */
export function runTask(t: LoopTask): void {
  if (t.kind === 'adadelta') {
    adadeltaLoop(t.arrays, t.constants, t.from, t.to);
    return;
  }
  if (t.kind === 'adam') {
    adamLoop(t.arrays, t.constants, t.from, t.to);
    return;
  }
  if (t.kind === 'rms') {
    rmsLoop(t.arrays, t.constants, t.from, t.to);
    return;
  }
  const n = t.out.length;
  const out = t.out.subarray(t.from, t.to);
  // A full-size side is cut like the output; a repeating one (from a multiple of its period) is whole.
  const part = (v: Float32Array, p: number): [Float32Array, number] => (p === n ? [v.subarray(t.from, t.to), t.to - t.from] : [v, p]);
  if (t.kind === 'unary') unaryLoop(t.op, t.x.subarray(t.from, t.to), out);
  else binaryLoop(t.op, ...part(t.a, t.pa), ...part(t.b, t.pb), out);
}

/** The task over the whole output, cut across the idle helpers when it is large and shared (`full`: the other full-size arrays); `period`: cuts at its multiples. */
function runSplit(task: LoopTask, full: readonly Float32Array[], period: number): void {
  const n = task.out.length;
  const free = n >= MIN_SPLIT_ELEMENTS && isShared(task.out) && full.every(isShared) ? helpers.filter((h) => h.ready()) : [];
  if (free.length === 0) {
    runTask(task);
    return;
  }
  const parts = free.length + 1;
  const cut = (k: number) => (k === parts ? n : Math.round((n * k) / parts / period) * period);
  const started: LoopHelper[] = [];
  const errors: unknown[] = [];
  try {
    for (let k = 1; k < parts; k++) {
      const [from, to] = [cut(k), cut(k + 1)];
      if (to <= from) continue;
      free[k - 1]!.start({ ...task, from, to });
      started.push(free[k - 1]!);
    }
    runTask({ ...task, from: 0, to: cut(1) });
  } catch (e) {
    errors.push(e);
  }
  // Every started helper is finished, even after an error here: none writes after this returns.
  for (const h of started) {
    try {
      h.finish();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/** A small (repeating) side as a copy of its own: a message copies a view's whole buffer otherwise. */
const own = (v: Float32Array, p: number, n: number): Float32Array => (p === n || isShared(v) ? v : v.slice());

/** out = a op b (binaryLoop's arguments), cut across the idle helpers when large. */
export function splitBinary(op: BinaryOp, a: Float32Array, pa: number, b: Float32Array, pb: number, out: Float32Array): void {
  const n = out.length;
  const period = pa !== n ? pa : pb !== n ? pb : 1;
  const full = [...(pa === n ? [a] : []), ...(pb === n ? [b] : [])];
  if (n < MIN_SPLIT_ELEMENTS || helpers.length === 0) {
    binaryLoop(op, a, pa, b, pb, out);
    return;
  }
  runSplit({ kind: 'binary', op, a: own(a, pa, n), pa, b: own(b, pb, n), pb, out, from: 0, to: n }, full, period);
}

/** out = op(x), cut across the idle helpers when large. */
export function splitUnary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
  if (out.length < MIN_SPLIT_ELEMENTS || helpers.length === 0) {
    unaryLoop(op, x, out);
    return;
  }
  runSplit({ kind: 'unary', op, x, out, from: 0, to: out.length }, [x], 1);
}

/** An optimiser's step over all its elements (`from`, `to` ignored), cut across the idle helpers when large and every array is shared. */
export function splitStep(task: StepTask): void {
  const n = task.out.length;
  const whole = { ...task, from: 0, to: n } as StepTask;
  if (n < MIN_SPLIT_ELEMENTS || helpers.length === 0) runTask(whole);
  else runSplit(whole, Object.values(task.arrays), 1);
}
