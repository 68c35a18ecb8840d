/**
 * The element-wise loops cut across the fused graph's shard workers (split-loops.ts) give bit for
 * bit the one-thread results:
 *
 * - every op and broadcast (a scalar, a bias's period, the same shape, a repeating left side),
 *   odd sizes and periods that do not divide the cut evenly: the ranges cover the output once,
 *   each cut at a multiple of the period; arrays that are not shared stay on this thread;
 * - through a real worker between its runs (it serves tasks, then runs its shard again);
 * - data-parallel fused training of the reference model: the weights after 6 steps equal those
 *   of the same steps with every loop on this thread, and a weight read by user code is a plain
 *   copy (the shared array stays the pool's).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { referenceModel } from '../../mnist-demo/model.ts';
import { FusedGradients } from '../../src/backends/onnxruntime/fused/strategy.ts';
import { SessionWorkers } from '../../src/backends/onnxruntime/fused/workers.ts';
import { type BinaryOp, binaryLoop, type UnaryOp, unaryLoop } from '../../src/backends/onnxruntime/kernels/loops/elementwise-loops.ts';
import {
  type LoopHelper,
  type LoopTask,
  loopHelpers,
  MIN_SPLIT_ELEMENTS,
  runTask,
  setLoopHelpers,
  splitBinary,
  splitUnary,
} from '../../src/backends/onnxruntime/kernels/loops/split-loops.ts';
import { GraphBuilder } from '../../src/backends/onnxruntime/onnx/builder.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { attachToKernels, fit, penalty, tf } from '../../src/index.ts';

const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));

/** n values with signs, fractions and a few zeros (no division by zero where it divides). */
function values(n: number, seed: number, into: Float32Array<ArrayBufferLike> = new Float32Array(n)): Float32Array<ArrayBufferLike> {
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    into[i] = ((s / 2 ** 31) * 4 - 2) * (i % 97 === 5 ? 0 : 1) + (i % 89 === 3 ? 0.5 : 0);
  }
  return into;
}

/** A helper on this thread: records its tasks and runs them when waited for. */
class InThread implements LoopHelper {
  readonly tasks: LoopTask[] = [];
  private pending: LoopTask[] = [];
  ready(): boolean {
    return true;
  }
  start(task: LoopTask): void {
    this.tasks.push(task);
    this.pending.push(task);
  }
  finish(): void {
    this.pending.forEach(runTask);
    this.pending = [];
  }
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
/** The first index where two arrays' bit patterns differ, or −1 (a deep toEqual of 0.2 M elements takes seconds). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const [x, y] = [bits(a), bits(b)];
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

afterEach(() => setLoopHelpers([]));

describe('split loops = one thread, bit for bit', () => {
  // Odd, and a multiple of the bias's period 7: 7 · 28 087.
  const n = 196_609;
  const ops: BinaryOp[] = ['Add', 'Sub', 'Multiply', 'RealDiv'];
  // [period of a, period of b]: same shape, scalar, bias (odd period dividing n), a scalar on the left.
  const bias = 7;
  const broadcasts: Array<[number, number]> = [
    [n, n],
    [n, 1],
    [n, bias],
    [1, n],
    [bias, n],
  ];

  it('every op and broadcast, cut across two helpers at multiples of the period', () => {
    const helpers = [new InThread(), new InThread()];
    setLoopHelpers(helpers);
    for (const op of ops) {
      for (const [pa, pb] of broadcasts) {
        const a = pa === n ? values(n, 1, shared(n)) : values(pa, 2);
        const b = pb === n ? values(n, 3, shared(n)) : values(pb, 4).map((v) => v || 1.5);
        const want = new Float32Array(n);
        binaryLoop(op, a, pa, b, pb, want);
        const got = shared(n);
        const before = helpers.map((h) => h.tasks.length);
        splitBinary(op, a, pa, b, pb, got);
        expect(firstDifference(got, want), `${op} ${pa}/${pb}`).toBe(-1);
        const tasks = helpers.flatMap((h, i) => h.tasks.slice(before[i]));
        expect(tasks).toHaveLength(2);
        const period = pa === n && pb === n ? 1 : Math.min(pa, pb);
        // The helpers' ranges and this thread's [0, first) tile the output, cut at multiples of the period.
        const ranges = tasks.map((t) => [t.from, t.to] as const).sort((p, q) => p[0] - q[0]);
        expect(ranges[0]![0]).toBeGreaterThan(0);
        expect(ranges[1]![0]).toBe(ranges[0]![1]);
        expect(ranges[1]![1]).toBe(n);
        ranges.forEach(([from]) => expect(from % period).toBe(0));
      }
    }
  });

  it('unary ops; loops over arrays that are not shared, or small, stay on this thread', () => {
    const helper = new InThread();
    setLoopHelpers([helper]);
    for (const op of ['Sqrt', 'Square', 'Neg', 'Abs'] as UnaryOp[]) {
      const x = values(n, 5, shared(n));
      x.forEach((v, i) => (x[i] = Math.abs(v)));
      const want = new Float32Array(n);
      unaryLoop(op, x, want);
      const got = shared(n);
      splitUnary(op, x, got);
      expect(firstDifference(got, want), op).toBe(-1);
    }
    expect(helper.tasks).toHaveLength(4);
    splitBinary('Add', values(n, 1), n, values(n, 2), n, shared(n));
    splitBinary('Add', values(n, 1, shared(n)), n, values(n, 2, shared(n)), n, new Float32Array(n));
    const small = MIN_SPLIT_ELEMENTS - 1;
    splitBinary('Add', values(small, 1, shared(small)), small, values(small, 2, shared(small)), small, shared(small));
    expect(helper.tasks).toHaveLength(4);
  });

  it('through a real worker between its runs', async () => {
    const workers = await SessionWorkers.start(1);
    try {
      const b = new GraphBuilder('t');
      b.op('Add', ['a', 'a'], undefined, 'y');
      const [remote] = await workers.create(b.graph([{ name: 'a', shape: [3] }], [{ name: 'y', shape: [3] }]), {});
      setLoopHelpers(workers.loopHelpers);
      const [x, y] = [values(n, 7, shared(n)), values(n, 8, shared(n))];
      const want = new Float32Array(n);
      binaryLoop('Multiply', x, n, y, n, want);
      // Not serving before its first run: all here.
      expect(workers.loopHelpers[0]!.ready()).toBe(false);
      for (let run = 1; run <= 3; run++) {
        remote!.inputs[0]!.set([run, 2, 3]);
        remote!.start();
        remote!.wait();
        expect(Array.from(remote!.outputs[0]!)).toEqual([2 * run, 4, 6]);
        expect(workers.loopHelpers[0]!.ready()).toBe(true);
        for (let k = 0; k < 5; k++) {
          const got = shared(n);
          splitBinary('Multiply', x, n, y, n, got);
          expect(firstDifference(got, want)).toBe(-1);
        }
      }
      remote!.dispose();
      expect(workers.loopHelpers[0]!.ready()).toBe(false);
    } finally {
      await workers.close();
    }
  }, 60_000);
});

describe('data-parallel fused training with split loops', () => {
  it('weights after 6 steps = those with every loop on this thread; user reads are plain copies', async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'data' });
    const count = 6 * 32;
    const x = tf.randomUniform([count, 28, 28, 1], 0, 1, 'float32', 11);
    const y = tf.oneHot(tf.randomUniform([count], 0, 10, 'int32', 12), 10).toFloat();
    let tasks = 0;
    const kinds = new Map<string, number>();
    const train = async (split: boolean) => {
      const model = await attachToKernels(referenceModel([28, 28, 1], 10, { seed: 42 }), { penalty: penalty('l1:1e-4') });
      const fused = await FusedGradients.start(model, 'categoricalCrossentropy', 2, 'data');
      if (typeof fused === 'string') throw new Error(fused);
      // The workers as helpers, each task counted (none: every loop here).
      const counted = (h: LoopHelper): LoopHelper => ({
        ready: () => h.ready(),
        start: (t) => {
          tasks++;
          kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
          h.start(t);
        },
        finish: () => h.finish(),
      });
      setLoopHelpers(split ? loopHelpers().map(counted) : []);
      await fit(model, { x, y }, { epochs: 1, batchSize: 32, optimizer: 'adadelta:lr=1,rho=0.95', gradients: fused, seed: 5 });
      const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
      await fused.close();
      model.dispose();
      return weights;
    };
    const one = await train(false);
    const two = await train(true);
    // dense_1's kernel (409 600 floats) is large enough to be cut, and is read as a plain copy:
    // each step its Adadelta step (from the second, when its state is shared), scale and w + u.
    expect(tasks).toBeGreaterThanOrEqual(6 * 2);
    expect(kinds.get('adadelta')).toBeGreaterThanOrEqual(5);
    const dense = two.find((w) => w.length === 3200 * 128)!;
    expect(dense.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(two).toHaveLength(one.length);
    two.forEach((w, i) => expect(firstDifference(w, one[i]!), `weight ${i}`).toBe(-1));
    tf.dispose([x, y]);
  }, 180_000);
});
