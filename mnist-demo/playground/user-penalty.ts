/**
 * The code box's penalty: the user's code made a penalty named `mine`, then checked by the library
 * as `penx` checks a penalty module (probePenalty: a finite value, a gradient, finite, the derivative of the value):
 *
 *   code ─► an expression of w (`tf.sum(abs(w))`), or a function body that returns one
 *        ─► definePenalty({ name: 'mine', formula: the code (Σ before it when element-wise), fn })
 *        ─► penalty('mine:λ') ─► probeUserPenalty (probePenalty, its advice worded for the code box; on the
 *            model's kernels too, once it is built)
 *
 * The code sees `w` (the weight tensor), `tf` (TensorFlow.js) and `abs` (the library's |w|, whose
 * gradient at 0 is 0). It runs in the training worker, so a slow or endless one never blocks the page.
 */
import { abs, definePenalty, inventory, PenaltyRegularizer, probePenalty, SpecError, tf } from 'penalty-explorer';

/** The name of the code box's penalty in specs and records. */
export const MINE = 'mine';

type PenaltyCode = (w: tf.Tensor, t: typeof tf, a: typeof abs) => tf.Tensor;

/** The user's code as a function of (w, tf, abs), and whether it is one expression (else a function body); a SpecError saying why when it does not parse. */
function compile(code: string): { fn: PenaltyCode; expression: boolean } {
  const text = code.trim();
  if (!text) throw new SpecError('the code box is empty; write an expression of w, e.g. tf.log1p(tf.div(abs(w), 0.05))');
  try {
    return { fn: new Function('w', 'tf', 'abs', `"use strict";\nreturn (${text}\n);`) as PenaltyCode, expression: true };
  } catch {
    // Not an expression: a function body with its own return.
  }
  try {
    return { fn: new Function('w', 'tf', 'abs', `"use strict";\n${text}`) as PenaltyCode, expression: false };
  } catch (err) {
    throw new SpecError(`the code does not parse: ${(err as Error).message}`);
  }
}

/**
 * True when `fn` gives φ(w) element-wise on a small weight tensor (a tensor, not a scalar: the
 * library sums it); false for a scalar, and when it throws there (the library's probe says why).
 */
function elementWise(fn: PenaltyCode): boolean {
  return tf.tidy(() => {
    try {
      const out = fn(tf.tensor2d([0.5, -0.25, 1, -2], [2, 2]), tf, abs);
      return out instanceof tf.Tensor && out.rank > 0;
    } catch {
      return false;
    }
  });
}

/**
 * The formula of the code, as the record and the page show it (the library puts λ before it): the
 * code on one line, with the sum the library takes of an element-wise one; a SpecError when it does
 * not parse.
 *
 * @example
 * formulaOf('tf.square(w)')                   // 'Σ tf.square(w)'   (shown λ·Σ tf.square(w))
 * formulaOf('tf.sum(abs(w))')                 // 'tf.sum(abs(w))'
 * formulaOf('const a = abs(w);\nreturn a;')   // 'Σ{ const a = abs(w); return a; }'
 */
export function formulaOf(code: string, compiled = compile(code)): string {
  const line = code.trim().replace(/\s+/g, ' ');
  if (!elementWise(compiled.fn)) return line;
  return compiled.expression ? `Σ ${line}` : `Σ{ ${line} }`;
}

/** Defines `mine` from the code (once per worker: each run has its own). */
export function defineUserPenalty(code: string): void {
  const compiled = compile(code);
  definePenalty({
    name: MINE,
    formula: formulaOf(code, compiled),
    doc: 'typed in the playground',
    fn: (w) => compiled.fn(w, tf, abs),
  });
}

/**
 * The code box's penalty checked as `penx` checks a module's (probePenalty), its refusal of `tf.abs`
 * saying that `abs` is in the code's scope, where a module's says to import it; with `model`, on the
 * model's weights that carry it too (every kernel: each at its value and at 0 on each of their shapes),
 * as penx checks a run's before it trains, so a refusal there is said at the code box, not as a failed run.
 *
 * @example
 * probeUserPenalty(penalty('mine:1e-3'))          // code tf.abs(w): throws "… use the library's abs instead (abs is already in the code box's scope; …"
 * probeUserPenalty(penalty('mine:1e-3'), model)   // code tf.sum(tf.sqrt(tf.sum(tf.square(w), 0))): throws "penalty mine:0.001 on conv2d_Conv2D1/kernel (shape [5,5,1,8]) has gradient NaN where all its weights are 0 …"
 */
export function probeUserPenalty(reg: PenaltyRegularizer, model?: tf.LayersModel): void {
  const weights = model
    ? inventory(model).weights.flatMap((w) =>
        w.regularizer instanceof PenaltyRegularizer && w.regularizer.spec === reg.spec ? [{ name: w.name, value: w.variable.read() }] : [],
      )
    : undefined;
  probePenalty(reg, { absFrom: "abs is already in the code box's scope", ...(weights ? { weights } : {}) });
}
