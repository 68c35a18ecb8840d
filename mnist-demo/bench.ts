/**
 * The speed of training the reference model on the selected backend, timed as `penx train` runs
 * it, against the stock `cpu` backend in the same process:
 *
 *   selected backend: reference model + L1 penalty, Adadelta (or the optimiser given), the
 *     gradient strategy `penx train` picks (gradientsFor: the fused graph on onnxruntime, else
 *     per kernel over every thread)
 *     ─► warm-up: a first `fit` on a copy (sessions built, code compiled)
 *     ─► `fit` itself on all of MNIST from a fresh model, stopped after `steps` + 1 batches: the
 *        real loop (batches gathered in the run's seeded order, steps, progress callbacks) over
 *        the first batches of a real run, where training starts (its numbers are the first
 *        epoch's); the time between batches is a step, and the process's CPU time in it (how
 *        many cores the step kept busy: fewer when another process had them)
 *     ─► forward passes of one test batch; the epoch's evaluation of the 10 000 test images and
 *        its weight snapshot, as `fit` does them
 *   cpu backend: warm-up ─► training step × m (small batch, in a thread of its own)
 *   ─► epoch (projected) = steps of an epoch × the mean step + evaluation + snapshot (an epoch is a
 *      sum: the occasional slow step — a garbage collection, say — counts in it, as in a real run)
 *
 * `penx bench --all` runs the first part for every backend that starts, one after another in
 * this process, the cpu reference once, and PyTorch (bench/pytorch-peer.py) when it can.
 */
import {
  attachToKernels,
  type BackendInfo,
  type BatchProgress,
  evaluate,
  fit,
  type GradientStrategy,
  gradientsFor,
  optimizerFor,
  optimizerSpec,
  penalty,
  snapshotWeights,
  stepThreads,
  tf,
  trainStep,
} from 'penalty-explorer/node';

/** Images and one-hot labels of one split. */
interface Split {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

import { cpuMsPerStep } from './bench-cpu.ts';
import { loadData } from './data/mnist.ts';
import { REFERENCE_OPTIMIZER } from './experiment/reference.ts';
import { MNIST_CLASSES, MNIST_SHAPE, referenceModel } from './model.ts';
import { counted } from './words.ts';

/** What `runBench` times: the batch and steps on the backend in use, the evaluation, and the cpu reference. */
export interface BenchOptions {
  /** Samples per timed step. */
  readonly batchSize: number;
  /** The optimiser's spec (default REFERENCE_OPTIMIZER), for the timed backend and the cpu reference. */
  readonly optimizer?: string;
  /** Timed steps. */
  readonly steps: number;
  /** Test images the epoch's evaluation is timed on (projected to the whole test set); default all. */
  readonly evalImages?: number;
  /** Samples per step on the stock cpu backend. */
  readonly cpuBatchSize: number;
  /** Timed steps on the stock cpu backend, the speed-up's reference; 0 leaves the comparison out. */
  readonly cpuSteps: number;
  /** Progress messages (to stderr on the CLI). */
  readonly progress?: (message: string) => void;
}

/** What `runBench` measured on one backend: its step's speed and memory, and how it ran. */
export interface BenchResult {
  /** The backend timed. */
  readonly backend: string;
  /** The optimiser's spec, as `penx train` records it. */
  readonly optimizer: string;
  /** The threads each step really ran on. */
  readonly threads: number;
  /** How they shared it; absent on one thread. */
  readonly parallel?: 'data' | 'threads';
  /** How gradients are computed: one fused graph per step, or kernel by kernel. */
  readonly gradients: 'fused' | 'per-kernel';
  readonly batchSize: number;
  readonly forwardMs: number;
  /** Median time between two batches of `fit` (the step, the batch gathered, callbacks). */
  readonly trainStepMs: number;
  /** Their mean: what an epoch's steps take on average (pauses such as garbage collections included). */
  readonly meanStepMs: number;
  /** The process's CPU time per step (every thread), mean over the same steps. */
  readonly stepCpuTimeMs: number;
  /**
   * stepCpuTimeMs / meanStepMs: the cores the step kept busy. Alone on the machine the data-parallel
   * step keeps nearly all of its threads busy; well below that, another process had the cores
   * while this bench ran (its times are not the machine's).
   */
  readonly coresBusy: number;
  readonly stepToForward: number;
  /** The first batch of a fresh run: its sessions built (paid once per run). */
  readonly firstStepMs: number;
  /** The epoch's evaluation of the test set (10 000 images), as `fit` runs it (timed on `evalImages` of them). */
  readonly evalSeconds: number;
  /** The epoch's weight snapshot (histograms, norms, percentiles). */
  readonly snapshotSeconds: number;
  /** Steps of an epoch × meanStepMs + evaluation + snapshot. */
  readonly epochSeconds: number;
  readonly msPerSample: number;
  readonly cpuBatchSize: number;
  /** The stock cpu backend's step per sample, and how many times faster this backend is; absent when the cpu was not timed (cpuSteps 0). */
  readonly cpuMsPerSample?: number;
  readonly speedupVsCpu?: number;
  readonly peakRssMb: number;
  /** tf.memory().numTensors after the second batch of the timed run and after its last: equal when nothing leaks. */
  readonly tensorsAfterWarmup: number;
  readonly tensorsAfterSteps: number;
}

/**
 * The median of `xs`: the middle value once sorted (the upper of the two middle ones for an even count).
 *
 * @example
 * median([3, 1, 2])      // 2
 * median([4, 1, 3, 2])   // 3
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Milliseconds of each of `repeats` calls of `f`, after `warmups` untimed calls. */
export async function timeCalls(f: () => Promise<unknown>, warmups: number, repeats: number): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await f();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return times;
}

/** MNIST as `penx train` loads it (the bundled set): training and test images, one-hot labels. */
function mnist(): { train: Split; test: Split } {
  const set = loadData(undefined, {});
  const split = (s: typeof set.train): Split => {
    const y = new Float32Array(s.count * set.classes);
    for (let i = 0; i < s.count; i++) y[i * set.classes + (s.labels[i] as number)] = 1;
    return { x: tf.tensor4d(s.images, [s.count, ...set.shape]), y: tf.tensor2d(y, [s.count, set.classes]) };
  };
  return { train: split(set.train), test: split(set.test) };
}

/** The reference model as `penx train` builds it for the bench's runs: L1 on every kernel. */
async function benchModel(): Promise<tf.LayersModel> {
  const built = referenceModel(MNIST_SHAPE, MNIST_CLASSES, { seed: 42 });
  const model = await attachToKernels(built, { penalty: penalty('l1:1e-4') });
  built.dispose();
  return model;
}

/** Thrown by the timing callback to stop `fit` after the batches it needs. */
class Enough extends Error {}

/**
 * `fit` on `train` from a fresh model, stopped after `batches` batches: the times between batches
 * (ms; the first from the start), and the tensors alive after the second batch and after the last.
 */
async function fitBatches(
  model: tf.LayersModel,
  gradients: GradientStrategy,
  train: Split,
  batchSize: number,
  batches: number,
  optimizer: string,
): Promise<{ times: number[]; cpu: number[]; tensors: number[] }> {
  const times: number[] = [];
  const cpu: number[] = [];
  const tensors: number[] = [];
  let last = performance.now();
  let lastCpu = cpuMs();
  try {
    await fit(model, train, {
      epochs: 1,
      batchSize,
      optimizer,
      loss: 'categoricalCrossentropy',
      gradients,
      callbacks: [
        {
          onBatchEnd: ({ batch }: BatchProgress) => {
            const [now, nowCpu] = [performance.now(), cpuMs()];
            times.push(now - last);
            cpu.push(nowCpu - lastCpu);
            [last, lastCpu] = [now, nowCpu];
            if (batch === Math.min(2, batches)) tensors[0] = tf.memory().numTensors;
            if (batch === batches) tensors[1] = tf.memory().numTensors;
            if (batch >= batches) throw new Enough();
          },
        },
      ],
    });
  } catch (e) {
    if (!(e instanceof Enough)) throw e;
  }
  return { times, cpu, tensors };
}

/** The process's CPU time so far (every thread), ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * One training step of the reference model (L1, `optimizer`) on a fixed random batch, for the cpu
 * reference (its speed per sample is all it gives, and it cannot run a real epoch's worth).
 */
export async function stepper(batchSize: number, optimizer: string): Promise<{ step: () => Promise<unknown>; dispose: () => void }> {
  const model = await benchModel();
  const opt = optimizerFor(model, optimizerSpec(optimizer).transform);
  const [x, y] = tf.tidy(() => [
    tf.randomUniform([batchSize, ...MNIST_SHAPE], 0, 1, 'float32', 1),
    tf.oneHot(tf.randomUniform([batchSize], 0, MNIST_CLASSES, 'int32', 2), MNIST_CLASSES),
  ]);
  return {
    step: () => trainStep(model, opt, x!, y!),
    dispose: () => {
      tf.dispose([x!, y!]);
      opt.dispose();
      model.dispose();
    },
  };
}

/** Milliseconds of a training step on the stock cpu backend (batch `cpuBatchSize`), timed in a thread of its own; undefined with `cpuSteps` 0. */
export async function cpuReference(options: BenchOptions): Promise<number | undefined> {
  if (options.cpuSteps === 0) return undefined;
  (options.progress ?? (() => undefined))(`cpu: ${counted(options.cpuSteps, 'training step')} at batch ${options.cpuBatchSize} (slow)`);
  return cpuMsPerStep({ batchSize: options.cpuBatchSize, steps: options.cpuSteps, optimizer: options.optimizer ?? REFERENCE_OPTIMIZER });
}

/** Time the selected backend; `cpuMs` (from `cpuReference`) is measured here unless given (with `cpuSteps` 0, never). */
export async function runBench(info: BackendInfo, options: BenchOptions, cpuMs?: number): Promise<BenchResult> {
  const say = options.progress ?? (() => undefined);
  const B = options.batchSize;
  const optimizer = optimizerSpec(options.optimizer ?? REFERENCE_OPTIMIZER).spec;
  const data = mnist();
  const loss = { loss: 'categoricalCrossentropy' as const };
  try {
    say(`${info.name}: warm-up (2 batches of a first run)`);
    const warm = await benchModel();
    const warmGradients = await gradientsFor(warm, info);
    await fitBatches(warm, warmGradients.gradients, data.train, B, 2, optimizer);
    await warmGradients.gradients.close();
    warm.dispose();

    say(`${info.name}: the first ${options.steps} batches of a real run at batch ${B} (${warmGradients.path})`);
    const model = await benchModel();
    const { gradients, path } = await gradientsFor(model, info);
    try {
      const run = await fitBatches(model, gradients, data.train, B, options.steps + 1, optimizer);
      const [first, ...steps] = run.times;
      const stepsCpu = run.cpu.slice(1);
      const [tensorsAfterWarmup = NaN, tensorsAfterSteps = NaN] = run.tensors;
      say(`${info.name}: forward passes; the test set's evaluation and a weight snapshot, as each epoch ends`);
      const test1 = { x: tf.slice(data.test.x, 0, B), y: tf.slice(data.test.y, 0, B) };
      const fwdTimes = await timeCalls(() => evaluate(model, test1, { ...loss, gradients }), 2, options.steps);
      tf.dispose([test1.x, test1.y]);
      const testCount = data.test.x.shape[0] ?? 0;
      const evalCount = Math.min(testCount, options.evalImages ?? testCount);
      const timedTest = evalCount === testCount ? data.test : { x: tf.slice(data.test.x, 0, evalCount), y: tf.slice(data.test.y, 0, evalCount) };
      let t0 = performance.now();
      const scores = await evaluate(model, timedTest, { ...loss, gradients });
      const evalSeconds = ((performance.now() - t0) / 1000) * (testCount / evalCount);
      if (timedTest !== data.test) tf.dispose([timedTest.x, timedTest.y]);
      t0 = performance.now();
      snapshotWeights(model, 1, scores);
      const snapshotSeconds = (performance.now() - t0) / 1000;

      const cpuStepMs = cpuMs ?? (await cpuReference(options));
      const forwardMs = median(fwdTimes);
      const trainStepMs = median(steps);
      const meanStepMs = steps.reduce((a, t) => a + t, 0) / steps.length;
      const stepCpuTimeMs = stepsCpu.reduce((a, t) => a + t, 0) / stepsCpu.length;
      const trainCount = data.train.x.shape[0] ?? 0;
      const msPerSample = trainStepMs / B;
      const cpuMsPerSample = cpuStepMs === undefined ? undefined : cpuStepMs / options.cpuBatchSize;
      return {
        backend: info.name,
        optimizer,
        ...stepThreads(gradients, info),
        gradients: path,
        batchSize: B,
        forwardMs: round(forwardMs),
        trainStepMs: round(trainStepMs),
        meanStepMs: round(meanStepMs),
        stepCpuTimeMs: round(stepCpuTimeMs),
        coresBusy: round(stepCpuTimeMs / meanStepMs, 2),
        stepToForward: round(trainStepMs / forwardMs, 2),
        firstStepMs: round(first ?? NaN),
        evalSeconds: round(evalSeconds, 2),
        snapshotSeconds: round(snapshotSeconds, 2),
        epochSeconds: round((Math.ceil(trainCount / B) * meanStepMs) / 1000 + evalSeconds + snapshotSeconds),
        msPerSample: round(msPerSample, 3),
        cpuBatchSize: options.cpuBatchSize,
        ...(cpuMsPerSample === undefined ? {} : { cpuMsPerSample: round(cpuMsPerSample), speedupVsCpu: round(cpuMsPerSample / msPerSample) }),
        peakRssMb: round(process.resourceUsage().maxRSS / 1024),
        tensorsAfterWarmup,
        tensorsAfterSteps,
      };
    } finally {
      await gradients.close();
      model.dispose();
    }
  } finally {
    tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
  }
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
