/**
 * The note on the layer names penx counts in a module's model (`dense_Dense7 → dense_Dense1`): one
 * short line unless a pattern of the run (`--lr-mult`, `--grad`) selects other layers by the counted
 * names than by the names as built, when it says so in full, those layers first, with their patterns.
 */
import { describe, expect, it } from 'vitest';
import { namedRenames, renamedNote } from '../../mnist-demo/experiment/rename-note.ts';

const what = 'model module ./m.ts';
const renamed = ['sequential_4 → sequential_1', 'dense_Dense7 → dense_Dense1', 'dense_Dense8 → dense_Dense2'];

describe('renamedNote', () => {
  it('is one short line when the run names no layer, or only by patterns the renaming does not change', () => {
    const short = `${what}: 3 layer names counted in the model: sequential_4 → sequential_1, dense_Dense7 → dense_Dense1, dense_Dense8 → dense_Dense2`;
    expect(renamedNote(what, renamed, undefined)).toBe(short);
    // dense* and */kernel select the same layers by either name; hidden is no renamed layer.
    const unchanged = { lrMult: [{ pattern: 'dense*', factor: 0.5 }], grad: [{ pattern: '*/kernel', transform: 'clipnorm:1' }], freeze: ['hidden'] };
    expect(renamedNote(what, renamed, unchanged)).toBe(short);
    expect(renamedNote(what, ['a_A1 → a_A2', 'a_A3 → a_A4', 'a_A5 → a_A6', 'a_A7 → a_A8', 'a_A9 → a_A10', 'a_A11 → a_A12'], undefined)).toBe(
      `${what}: 6 layer names counted in the model: a_A1 → a_A2, a_A3 → a_A4, a_A5 → a_A6, a_A7 → a_A8, and 2 more`,
    );
  });

  it('says the renaming in full when a pattern selects a renamed layer by one of its names only (its name as built, or the counted one)', () => {
    const controls = { lrMult: [{ pattern: 'dense_Dense1/kernel', factor: 0.1 }], freeze: ['dense_Dense8'] };
    expect(namedRenames(renamed, controls)).toEqual([
      'dense_Dense7 → dense_Dense1 (--lr-mult dense_Dense1/kernel)',
      'dense_Dense8 → dense_Dense2 (--grad dense_Dense8)',
    ]);
    expect(renamedNote(what, renamed, controls)).toBe(
      `${what}: layers named as TF.js names unnamed ones (dense_Dense<n>, input<n>, sequential_<n>, …), counting across the process, are named by their count in the model, the same in every run, and your patterns select them by these names: dense_Dense7 → dense_Dense1 (--lr-mult dense_Dense1/kernel), dense_Dense8 → dense_Dense2 (--grad dense_Dense8), sequential_4 → sequential_1; a name given in that form is renamed too (give another to keep it)`,
    );
  });
});
