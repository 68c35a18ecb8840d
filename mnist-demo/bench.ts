/**
 * The speed of training the reference model on the selected backend, against the stock `cpu`
 * backend in the same process:
 *
 *   selected backend: warm-up ─► forward × n ─► training step × n   (batch 128, medians)
 *   cpu backend:      warm-up ─► training step × m                  (small batch)
 *   ─► ms per sample, projected epoch time (60 000 samples), speed-up, peak memory
 */
import { optimizerFor, optimizerSpec, penalty, tf, trainStep, type BackendInfo } from '../src/index.ts';
import { buildReferenceModel } from './model.ts';

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function batch(n: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => [tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 1), tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', 2), 10)]);
}

/** Milliseconds of each of `repeats` calls of `f`, after `warmups` untimed calls. */
function timeCalls(f: () => void, warmups: number, repeats: number): number[] {
  for (let i = 0; i < warmups; i++) f();
  return Array.from({ length: repeats }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });
}

/** The project's training step with the reference optimiser, as a repeatable call. */
function stepper(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): { step: () => void; dispose: () => void } {
  const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
  return { step: () => void trainStep(model, opt, x, y), dispose: () => opt.dispose() };
}

export async function runBench(info: BackendInfo, options: BenchOptions): Promise<BenchResult> {
  const say = options.progress ?? (() => undefined);
  const reg = penalty('l1:1e-4');

  say(`${info.name}: warm-up and forward passes at batch ${options.batchSize}`);
  const model = buildReferenceModel({ penalty: reg });
  const [x, y] = batch(options.batchSize);
  const fwdTimes = timeCalls(() => void tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()), 2, options.steps);
  say(`${info.name}: ${options.steps} training steps at batch ${options.batchSize}`);
  const train = stepper(model, x, y);
  timeCalls(train.step, 2, 0);
  const tensorsAfterWarmup = tf.memory().numTensors;
  const stepTimes = timeCalls(train.step, 0, options.steps);
  const tensorsAfterSteps = tf.memory().numTensors;
  tf.dispose([x, y]);
  train.dispose();
  model.dispose();

  say(`cpu: ${options.cpuSteps} training steps at batch ${options.cpuBatchSize} (slow)`);
  const selected = tf.getBackend();
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  const cpuModel = buildReferenceModel({ penalty: reg });
  const [cx, cy] = batch(options.cpuBatchSize);
  const cpuTrain = stepper(cpuModel, cx, cy);
  const cpuMs = median(timeCalls(cpuTrain.step, 1, options.cpuSteps));
  cpuTrain.dispose();
  tf.dispose([cx, cy]);
  cpuModel.dispose();
  await tf.setBackend(selected);

  const forwardMs = median(fwdTimes);
  const trainStepMs = median(stepTimes);
  const msPerSample = trainStepMs / options.batchSize;
  const cpuMsPerSample = cpuMs / options.cpuBatchSize;
  return {
    backend: info.name,
    threads: info.threads,
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
