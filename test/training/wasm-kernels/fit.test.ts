/** `fit` on wasm, nothing registered by hand: it trains a Conv2D and measures it as cpu does, from epoch 0 (see wasm-conv.ts). */
import { expect, it } from 'vitest';
import { fit } from '../../../src/index.ts';
import { relErr } from '../../fixtures/parity.ts';
import { onBoth } from '../../fixtures/wasm-conv.ts';

it('fit trains a Conv2D on wasm as on cpu: the untrained model’s test loss, the final weights', async () => {
  const { cpu, wasm } = await onBoth((m, { x, y }) =>
    fit(m, { x, y }, { epochs: 2, batchSize: 8, seed: 5, optimizer: 'sgd:lr=0.1', loss: 'sparseCategoricalCrossentropy', validationData: [x, y] }),
  );
  expect(wasm.result.config.backend).toBe('wasm');
  expect(relErr([cpu.result.initial.testLoss!], [wasm.result.initial.testLoss!])).toBeLessThan(1e-5);
  expect(relErr(cpu.weights, wasm.weights)).toBeLessThan(1e-4);
});
