import { describe, expect, it } from 'vitest';
import { counted } from '../mnist-demo/words.ts';

describe('counted', () => {
  it('is singular for 1 only, with the plural given or made with an s', () => {
    expect([0, 1, 2].map((n) => counted(n, 'epoch'))).toEqual(['0 epochs', '1 epoch', '2 epochs']);
    expect([1, 3].map((n) => counted(n, 'penalty', 'penalties'))).toEqual(['1 penalty', '3 penalties']);
  });
});
