/**
 * The rule for a learning-rate multiplier (`LayerControls.lrMult`, e.g. `{ pattern: 'conv*', factor: 0.1 }`),
 * as data without TF.js: a finite number ≥ 0 (0 stops the matching weights' updates), so an app
 * reading text refuses a bad one before the library loads, with the message the optimiser's controls give.
 *
 *   { pattern: 'conv*', factor: -1 } ─► checkParam('learning-rate multiplier of conv*', -1, LR_MULT) ─► SpecError
 */
import { checkParam, type ParamDef } from './params.ts';

/** A learning-rate multiplier's bounds: ≥ 0, 1 when none is given. */
export const LR_MULT: ParamDef = { default: 1, min: 0, doc: "factor on the matching weights' updates" };

/**
 * Throws a SpecError unless `factor` is a learning-rate multiplier: a finite number ≥ 0 (0 stops the
 * matching weights' updates). A caller parsing controls checks each before any model is built.
 *
 * @example
 * checkLrMult({ pattern: 'conv*', factor: -1 })   // throws: learning-rate multiplier of conv*=-1 is not allowed; expected a finite number ≥ 0
 */
export function checkLrMult({ pattern, factor }: { readonly pattern: string; readonly factor: number }): void {
  checkParam(`learning-rate multiplier of ${pattern}`, factor, LR_MULT);
}
