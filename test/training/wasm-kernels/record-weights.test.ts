/** `recordWeights` with TF.js's `model.fit` on wasm, nothing registered by hand: a Conv2D trains, as on cpu (see wasm-conv.ts). */
import { expect, it } from 'vitest';
import { recordWeights, tf } from '../../../src/index.ts';
import { relErr } from '../../fixtures/parity.ts';
import { onBoth } from '../../fixtures/wasm-conv.ts';

it('model.fit with recordWeights trains a Conv2D on wasm as on cpu', async () => {
  const { cpu, wasm } = await onBoth(async (m, { x, y }) => {
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
    const recorder = recordWeights(m);
    await m.fit(x, y.cast('float32'), { epochs: 1, batchSize: 8, shuffle: false, callbacks: [recorder] });
    return recorder.record;
  });
  expect(wasm.result?.config.backend).toBe('wasm');
  expect(relErr(cpu.weights, wasm.weights)).toBeLessThan(1e-4);
});
