/**
 * Every penalty, constraint and optimiser of the registries runs on the wasm backend (no missing
 * kernel) and agrees with the cpu backend: penalty values and gradients, projected weights, and
 * three optimiser steps of a small network.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_CONSTRAINTS,
  BUILTIN_PENALTIES,
  constraint,
  formatSpec,
  optimizerCatalog,
  optimizerFor,
  optimizerSpec,
  penalty,
  type Scalar,
  selectBackend,
  type Tensor,
  tf,
  trainStep,
} from '../../src/node.ts';
import { on, relErr } from '../fixtures/parity.ts';

/** Weights with exact zeros, values at ±0.25 (the dead zone's edge) and a spread of magnitudes. */
const W = Array.from({ length: 3 * 3 * 2 * 4 }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 0.25 * Math.sign(Math.sin(i)) : Math.sin(i * 1.7) * 1.3));

async function onBoth(f: () => Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  return [await on('cpu', f), await on('wasm', f)];
}

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

describe('penalties on wasm = on cpu (value and gradient)', () => {
  for (const name of Object.keys(BUILTIN_PENALTIES)) {
    it(name, async () => {
      const reg = penalty(name);
      const [cpu, wasm] = await onBoth(() => {
        const w = tf.tensor4d(W, [3, 3, 2, 4]);
        return [reg.apply(w), tf.grad((x: Tensor) => reg.apply(x) as Scalar)(w)];
      });
      expect(relErr(cpu[0]!, wasm[0]!)).toBeLessThan(1e-5);
      expect(relErr(cpu[1]!, wasm[1]!)).toBeLessThan(1e-5);
    });
  }
});

describe('constraints on wasm = on cpu', () => {
  for (const name of Object.keys(BUILTIN_CONSTRAINTS)) {
    it(name, async () => {
      const c = constraint(name);
      const [cpu, wasm] = await onBoth(() => [c.apply(tf.tensor4d(W, [3, 3, 2, 4]))]);
      expect(relErr(cpu[0]!, wasm[0]!)).toBeLessThan(1e-5);
    });
  }
});

describe('optimisers on wasm = on cpu (three steps of a small network with a penalty)', () => {
  for (const name of optimizerCatalog.names()) {
    it(name, async () => {
      const spec = formatSpec(name, undefined, name === 'adadelta' ? { lr: 1 } : { lr: 0.05 });
      const steps = async (backend: string, n: number) => {
        await tf.setBackend(backend);
        const model = tf.sequential({
          layers: [
            tf.layers.dense({
              units: 5,
              inputShape: [4],
              activation: 'relu',
              kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: 3 }),
              kernelRegularizer: penalty('l1:1e-2'),
            }),
            tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: 4 }) }),
          ],
        });
        const opt = optimizerFor(model, optimizerSpec(spec).transform);
        const x = tf.tensor2d(
          Array.from({ length: 24 }, (_, i) => Math.cos(i)),
          [6, 4],
        );
        const y = tf.tensor2d(
          Array.from({ length: 12 }, (_, i) => Math.sin(i)),
          [6, 2],
        );
        for (let i = 0; i < n; i++) await trainStep(model, opt, x, y, { loss: (t, p) => tf.losses.meanSquaredError(t, p) as Scalar });
        const out = model.getWeights().map((w) => w.dataSync() as Float32Array);
        tf.dispose([x, y]);
        opt.dispose();
        model.dispose();
        return out;
      };
      const start = await steps('cpu', 0);
      const cpu = await steps('cpu', 3);
      const wasm = await steps('wasm', 3);
      cpu.forEach((c, i) => expect(relErr(c, wasm[i]!)).toBeLessThan(1e-4));
      // The steps moved the weights (the comparison is not of two untouched initialisations).
      expect(relErr(start[0]!, cpu[0]!)).toBeGreaterThan(1e-3);
    });
  }
});

describe('selectBackend called again', () => {
  it('changes the data-parallel worker count, and refuses a parallel mode the running wasm module cannot take', async () => {
    expect(await selectBackend('wasm', { threads: 2 })).toMatchObject({ name: 'wasm', parallel: 'data', threads: 2, workers: 1 });
    await expect(selectBackend('wasm', { threads: 2, parallel: 'threads' })).rejects.toThrow(
      /already runs with parallel 'data'.*'threads' needs a new process/,
    );
    await expect(selectBackend('auto', { parallel: 'threads' })).rejects.toThrow(/parallel 'threads' needs a new process/);
    expect(await selectBackend('wasm', { threads: 1 })).toMatchObject({ name: 'wasm', parallel: 'data', threads: 1, workers: 0 });
  });
});
