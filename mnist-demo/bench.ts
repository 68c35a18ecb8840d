/**
 * The speed of training the reference model on the selected backend, against the stock `cpu`
 * backend in the same process:
 *
 *   selected backend: warm-up ─► forward × n ─► training step × n   (batch 128, medians; the
 *                     trainer's data-parallel step and evaluation over every thread)
 *   cpu backend:      warm-up ─► training step × m                  (small batch, in a thread of its own)
 *   ─► ms per sample, projected epoch time (60 000 samples), speed-up, peak memory
 *
 * `penx bench --all` runs the first part for every backend that starts, one after another in
 * this process, and the cpu reference once.
 */
import { attachToKernels, localGradients, objectiveOf, optimizerFor, optimizerSpec, penalty, ShardedGradients, tf, trainStep, type BackendInfo } from 'penalty-explorer/node';
import { cpuMsPerStep } from './bench-cpu.ts';
import { MNIST_CLASSES, MNIST_SHAPE, referenceModel } from './model.ts';

export interface BenchOptions {
  readonly batchSize: number;
  readonly steps: number;
  readonly cpuBatchSize: number;
  readonly cpuSteps: number;
  /** Progress messages (to stderr on the CLI). */
  readonly progress?: (message: string) => void;
}

export interface BenchResult {
  readonly backend: string;
  readonly threads: number;
  readonly parallel: string;
  readonly batchSize: number;
  readonly forwardMs: number;
  readonly trainStepMs: number;
  readonly stepToForward: number;
  readonly epochSeconds: number;
  readonly msPerSample: number;
  readonly cpuBatchSize: number;
  readonly cpuMsPerSample: number;
  readonly speedupVsCpu: number;
  readonly peakRssMb: number;
  /** tf.memory().numTensors after the warm-up and after the timed steps: equal when nothing leaks. */
  readonly tensorsAfterWarmup: number;
  readonly tensorsAfterSteps: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function batch(n: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => [tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 1), tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', 2), 10)]);
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

/** The trainer's step (data-parallel over `workers` threads) with the reference optimiser and an L1 penalty. */
export async function stepper(workers: number, batchSize: number) {
  const built = referenceModel(MNIST_SHAPE, MNIST_CLASSES, { seed: 42 });
  const model = await attachToKernels(built, { penalty: penalty('l1:1e-4') });
  built.dispose();
  const gradients = workers > 0 ? await ShardedGradients.start(model, workers) : localGradients;
  const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
  const [x, y] = batch(batchSize);
  const objective = objectiveOf(model, 'categoricalCrossentropy');
  return {
    forward: () => gradients.evaluate(model, { xs: [x], ys: [y] }, objective),
    step: () => trainStep(model, opt, x, y, { gradients }),
    dispose: async () => {
      await gradients.close();
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    },
  };
}

/** Milliseconds of a training step on the stock cpu backend (batch `cpuBatchSize`), timed in a thread of its own. */
export async function cpuReference(options: BenchOptions): Promise<number> {
  (options.progress ?? (() => undefined))(`cpu: ${options.cpuSteps} training step${options.cpuSteps === 1 ? '' : 's'} at batch ${options.cpuBatchSize} (slow)`);
  return cpuMsPerStep({ batchSize: options.cpuBatchSize, steps: options.cpuSteps });
}

/** Time the selected backend; `cpuMs` (from `cpuReference`) is measured here unless given. */
export async function runBench(info: BackendInfo, options: BenchOptions, cpuMs?: number): Promise<BenchResult> {
  const say = options.progress ?? (() => undefined);

  say(`${info.name}: warm-up and forward passes at batch ${options.batchSize}`);
  const main = await stepper(info.workers, options.batchSize);
  const fwdTimes = await timeCalls(main.forward, 2, options.steps);
  say(`${info.name}: ${options.steps} training steps at batch ${options.batchSize}`);
  await timeCalls(main.step, 2, 0);
  const tensorsAfterWarmup = tf.memory().numTensors;
  const stepTimes = await timeCalls(main.step, 0, options.steps);
  const tensorsAfterSteps = tf.memory().numTensors;
  await main.dispose();

  const cpuStepMs = cpuMs ?? (await cpuReference(options));

  const forwardMs = median(fwdTimes);
  const trainStepMs = median(stepTimes);
  const msPerSample = trainStepMs / options.batchSize;
  const cpuMsPerSample = cpuStepMs / options.cpuBatchSize;
  return {
    backend: info.name,
    threads: info.threads,
    parallel: info.parallel,
    batchSize: options.batchSize,
    forwardMs: round(forwardMs),
    trainStepMs: round(trainStepMs),
    stepToForward: round(trainStepMs / forwardMs, 2),
    epochSeconds: round((msPerSample * 60_000) / 1000),
    msPerSample: round(msPerSample, 3),
    cpuBatchSize: options.cpuBatchSize,
    cpuMsPerSample: round(cpuMsPerSample),
    speedupVsCpu: round(cpuMsPerSample / msPerSample),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    tensorsAfterWarmup,
    tensorsAfterSteps,
  };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
