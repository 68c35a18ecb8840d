/**
 * The lists a flag takes as one text (mnist-demo/cli/lists.ts): every item read, an empty one
 * refused by its position; a list of specs split once, its `key=value` and `prox` pieces kept with
 * the spec before them as typed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listItems, specList } from '../../mnist-demo/cli/lists.ts';

afterEach(() => vi.restoreAllMocks());

describe('specList', () => {
  it('joins key=value and prox pieces to their spec, as typed', () => {
    expect(specList('none,deadzone:1e-4, a=0.3,l1:1e-4,prox', '--penalties')).toEqual(['none', 'deadzone:1e-4, a=0.3', 'l1:1e-4,prox']);
    expect(specList(' l1:1e-4 ', '--penalties')).toEqual(['l1:1e-4']);
    expect(specList('', '--penalties')).toEqual([]);
  });

  it('refuses an empty item by its position, as listItems does', () => {
    for (const text of ['none,,l1', 'none,l1,', ',none']) {
      const refusal = (read: () => unknown) => {
        try {
          read();
        } catch (err) {
          return (err as Error).message;
        }
        return 'not refused';
      };
      expect(
        refusal(() => specList(text, '--penalties')),
        text,
      ).toMatch(/^--penalties '.*': item \d of \d is empty; remove the extra ','/);
      expect(
        refusal(() => specList(text, '--penalties')),
        text,
      ).toBe(refusal(() => listItems(text, '--penalties')));
    }
  });

  it('splits the text once', () => {
    const text = 'none,deadzone:1e-4,a=0.3';
    const split = vi.spyOn(String.prototype, 'split');
    expect(specList(text, '--penalties')).toEqual(['none', 'deadzone:1e-4,a=0.3']);
    expect(split.mock.contexts.filter((c) => String(c) === text)).toHaveLength(1);
  });
});
