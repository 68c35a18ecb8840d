/**
 * Nesterov momentum and Adagrad through the fused graph (onnxruntime, data-parallel: this thread and
 * a shard worker) move every weight as the per-kernel path on one thread does: the fused strategy
 * gives the gradients, the step (any transform chain, by TF.js ops on the backend's kernels) is the
 * same code on every path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedGradients } from '../../src/backends/onnxruntime/fused/strategy.ts';
import { selectBackend } from '../../src/node.ts';
import { expectMovedAlike, PATH_OPTIMIZERS, pathModel, threeSteps } from '../fixtures/optimizer-paths.ts';

describe('the optimisers through the fused graph = per-kernel, one thread (onnxruntime)', () => {
  beforeAll(async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'data' });
  }, 60_000);

  it.each(PATH_OPTIMIZERS)(
    '%s: three steps',
    async (spec) => {
      const one = await threeSteps(spec);
      // The fused gradients are started for the model they train: made here, handed to threeSteps.
      const made = await pathModel();
      const started = await FusedGradients.start(made, 'categoricalCrossentropy', 2, 'data');
      if (typeof started === 'string') throw new Error(started);
      const viaFused = await threeSteps(spec, started, async () => made);
      // The graph ran (a refused batch would have fallen back to the per-kernel path).
      expect(started.sessions).toBeGreaterThan(0);
      await started.close();
      // The graph's gradients differ from the kernels' in float32 summation order (~1e-6 relative),
      // which Adagrad's first steps, lr·g/√(0.1 + g²), pass on up to 3× for small g: 1e-3 of a move.
      expectMovedAlike(one, viaFused, 1e-3);
    },
    180_000,
  );
});
