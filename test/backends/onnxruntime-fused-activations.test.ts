/** The fused graph's activations are looked up by their own names only (a config's name is the user's text). */
import { expect, it } from 'vitest';
import { activationOf, FUSED_ACTIVATIONS } from '../../src/backends/onnxruntime/fused/layers/activation.ts';

it('finds each of its activations by name, none by a name every object has', () => {
  for (const name of FUSED_ACTIVATIONS) expect(activationOf(name)?.name).toBe(name);
  expect(activationOf(undefined)?.name).toBe('linear');
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) expect(activationOf(name)).toBeUndefined();
});
