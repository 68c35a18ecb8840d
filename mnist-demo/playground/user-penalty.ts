/**
 * The code box's penalty: the user's code made a penalty named `mine`, then checked by the library
 * as `penx` checks a penalty module (probePenalty: a finite scalar, a finite gradient):
 *
 *   code ─► an expression of w (`tf.sum(abs(w))`), or a function body that returns one
 *        ─► definePenalty({ name: 'mine', formula: the code, fn }) ─► penalty('mine:λ') probes it
 *
 * The code sees `w` (the weight tensor), `tf` (TensorFlow.js) and `abs` (the library's |w|, whose
 * gradient at 0 is 0). It runs in the training worker, so a slow or endless one never blocks the page.
 */
import { abs, definePenalty, SpecError, tf } from 'penalty-explorer';

/** The name of the code box's penalty in specs and records. */
export const MINE = 'mine';

type PenaltyCode = (w: tf.Tensor, t: typeof tf, a: typeof abs) => tf.Tensor;

/** The user's code as a function of (w, tf, abs); a SpecError saying why when it does not parse. */
function compile(code: string): PenaltyCode {
  const text = code.trim();
  if (!text) throw new SpecError('the code box is empty; write an expression of w, e.g. tf.log1p(tf.div(abs(w), 0.05))');
  try {
    return new Function('w', 'tf', 'abs', `"use strict";\nreturn (${text}\n);`) as PenaltyCode;
  } catch {
    // Not an expression: a function body with its own return.
  }
  try {
    return new Function('w', 'tf', 'abs', `"use strict";\n${text}`) as PenaltyCode;
  } catch (err) {
    throw new SpecError(`the code does not parse: ${(err as Error).message}`);
  }
}

/** Defines `mine` from the code (once per worker: each run has its own). */
export function defineUserPenalty(code: string): void {
  const fn = compile(code);
  definePenalty({
    name: MINE,
    formula: code.trim().replace(/\s+/g, ' '),
    doc: 'typed in the playground',
    fn: (w) => fn(w, tf, abs),
  });
}
