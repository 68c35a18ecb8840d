/** `trainStep` on wasm, nothing registered by hand: one step of a Conv2D, as on cpu (see wasm-conv.ts). */
import { expect, it } from 'vitest';
import { tf, trainStep } from '../../../src/index.ts';
import { relErr } from '../../fixtures/parity.ts';
import { onBoth } from '../../fixtures/wasm-conv.ts';

it('trainStep takes a Conv2D’s step on wasm as on cpu: its data loss, the weights after it', async () => {
  const { cpu, wasm } = await onBoth((m, { x, y }) => trainStep(m, tf.train.sgd(0.1), x, y, { loss: 'sparseCategoricalCrossentropy' }));
  expect(relErr([cpu.result.dataLoss], [wasm.result.dataLoss])).toBeLessThan(1e-5);
  expect(relErr(cpu.weights, wasm.weights)).toBeLessThan(1e-5);
});
