/**
 * Optimisers' steps as one kernel each (named in src/optim/update-kernels.ts): TF.js's composed
 * ops ran ~6–16 loops over the weights a step, each into an array of its own; each kernel is one
 * loop (loops/adadelta-loop.ts, adam-loop.ts, rms-loop.ts), bit for bit the ops' results, into
 * arrays from the pool — shared ones cut across the idle shard workers (loops/split-loops.ts)
 * when every input is shared too (the summed gradients of a data-parallel step and the state
 * this kernel wrote last step).
 *
 *   adadeltaStep(g, a, d)        ─► PenxAdadelta ─► [u, a', d']   (the backend's float32 arrays)
 *   adamStep(g, m, v, c1, c2)    ─► PenxAdam     ─► [u, m', v']
 *   rmsStep(g, a)                ─► PenxRms      ─► [u, a']
 */
import { ADADELTA_KERNEL, ADAM_KERNEL, RMS_KERNEL } from '../../../optim/index.ts';
import { tf } from '../../../tf.ts';
import { floatsOf, poolOf, tensorOf } from '../runtime/storage.ts';
import { type StepTask, sharedOutputs, splitStep } from './loops/split-loops.ts';

/** A step kernel: its full-size inputs' names, its scalar inputs' names, its outputs' count, and its task over the arrays. */
interface StepKernel {
  readonly arrays: readonly string[];
  readonly scalars: readonly string[];
  readonly outputs: number;
  task(inputs: Record<string, Float32Array>, outputs: Float32Array[], scalars: Record<string, number>, attrs: Record<string, number>): StepTask;
}

/** The task over all of `u`'s elements. */
const whole = <T extends StepTask>(task: Omit<T, 'out' | 'from' | 'to'> & { readonly arrays: { readonly u: Float32Array } }): T =>
  ({ ...task, out: task.arrays.u, from: 0, to: task.arrays.u.length }) as unknown as T;

const STEPS: Record<string, StepKernel> = {
  [ADADELTA_KERNEL]: {
    arrays: ['g', 'a', 'd'],
    scalars: [],
    outputs: 3,
    task: ({ g, a, d }, [u, aOut, dOut], _, { rho, eps }) =>
      whole({ kind: 'adadelta', arrays: { g: g!, a: a!, d: d!, u: u!, aOut: aOut!, dOut: dOut! }, constants: { rho: rho!, eps: eps! } }),
  },
  [ADAM_KERNEL]: {
    arrays: ['g', 'm', 'v'],
    scalars: ['c1', 'c2'],
    outputs: 3,
    task: ({ g, m, v }, [u, mOut, vOut], { c1, c2 }, { b1, b2, eps }) =>
      whole({ kind: 'adam', arrays: { g: g!, m: m!, v: v!, u: u!, mOut: mOut!, vOut: vOut! }, constants: { b1: b1!, b2: b2!, eps: eps!, c1: c1!, c2: c2! } }),
  },
  [RMS_KERNEL]: {
    arrays: ['g', 'a'],
    scalars: [],
    outputs: 2,
    task: ({ g, a }, [u, aOut], _, { rho, eps }) => whole({ kind: 'rms', arrays: { g: g!, a: a!, u: u!, aOut: aOut! }, constants: { rho: rho!, eps: eps! } }),
  },
};

/** Register the step kernels on `backendName` (a host backend of the onnxruntime kernels); idempotent. */
export function registerUpdateSteps(backendName: string): void {
  for (const [kernelName, step] of Object.entries(STEPS)) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const b = backend as tf.KernelBackend;
        const given = inputs as Record<string, tf.TensorInfo>;
        const arrays = Object.fromEntries(step.arrays.map((name) => [name, floatsOf(b, given[name]!)]));
        const scalars = Object.fromEntries(step.scalars.map((name) => [name, floatsOf(b, given[name]!)?.[0]]));
        const n = arrays[step.arrays[0]!]?.length ?? 0;
        if (Object.values(arrays).some((a) => a?.length !== n) || Object.values(scalars).some((x) => x === undefined)) {
          throw new Error(`${kernelName} takes float32 tensors of one shape (and float32 scalars) on the host's storage`);
        }
        const pool = poolOf(b);
        const outputs = Array.from({ length: step.outputs }, () => (sharedOutputs(n) ? pool.takeShared(n) : pool.take(n)));
        splitStep(step.task(arrays as Record<string, Float32Array>, outputs, scalars as Record<string, number>, attrs as Record<string, number>));
        const shape = [...given[step.arrays[0]!]!.shape];
        return outputs.map((v) => tensorOf(b, shape, v));
      },
    });
  }
}
