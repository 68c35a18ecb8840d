/**
 * `--lr-mult`'s text read and checked without the library (no TF.js): each item `pattern=factor`, the
 * factor a number ≥ 0 as the optimiser's controls check it (`checkLrMult`); whether a pattern matches
 * a weight is known once the model is built (the action's).
 *
 *   --lr-mult 'conv2d_1=0.1,dense*=2' ─► [{ pattern: 'conv2d_1', factor: 0.1 }, { pattern: 'dense*', factor: 2 }]
 */
import type { LrMultControl } from 'penalty-explorer';
import { UsageError } from 'penalty-explorer/errors';
import { checkLrMult, parseNumber } from 'penalty-explorer/spec';
import { layerItems } from './lists.ts';

/**
 * `--lr-mult`'s text as learning-rate multipliers; a UsageError naming the item that is not
 * `pattern=factor`, a factor that is not a finite number ≥ 0 refused as `checkLrMult` does.
 *
 * @example
 * parseLrMult('conv2d_1=0.1,dense*=2')   // [{ pattern: 'conv2d_1', factor: 0.1 }, { pattern: 'dense*', factor: 2 }]
 * parseLrMult('conv*=-1')                // SpecError: learning-rate multiplier of conv*=-1 is not allowed; expected a finite number ≥ 0
 */
export function parseLrMult(text: string): LrMultControl[] {
  return layerItems(text, ',', '--lr-mult', 'conv2d_1=0.1,dense*=2').map((item) => {
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--lr-mult: '${item}' is not pattern=factor, e.g. conv2d_1=0.1`);
    const pattern = item.slice(0, eq).trim();
    const control = { pattern, factor: parseNumber(item.slice(eq + 1), `--lr-mult factor for ${pattern}`) };
    checkLrMult(control);
    return control;
  });
}
