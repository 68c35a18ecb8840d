/**
 * A sweep grid's rules that need only its text (no TF.js), shared by the command line, which checks
 * them before the library loads (cli/flag-values.ts: sweepGrid), and by the grid's expansion
 * (sweep-grid.ts: expandGrid), so both refuse with one message.
 *
 *   strengths 1e-4,0 ─► checkSweepStrengths ─► UsageError (a strength is drawn on a log axis: > 0)
 *   penalty l1:1e-4  ─► checkNoStrength     ─► UsageError (the sweep gives the strengths)
 */
import { UsageError } from 'penalty-explorer/errors';
import { parseSpec } from 'penalty-explorer/spec';

/**
 * A UsageError unless every strength of the sweep is a finite number > 0 (they are drawn on a log axis).
 *
 * @example
 * checkSweepStrengths([1e-4, 0])   // throws "a sweep's strengths must be finite numbers > 0 (they are drawn on a log axis), got 0; …"
 */
export function checkSweepStrengths(strengths: readonly number[]): void {
  for (const s of strengths) {
    if (!(s > 0) || !Number.isFinite(s))
      throw new UsageError(
        `a sweep's strengths must be finite numbers > 0 (they are drawn on a log axis), got ${s}; put none among the penalties for the baseline`,
      );
  }
}

/**
 * A UsageError when the sweep's penalty spec `text` gives a strength of its own: the sweep puts each
 * of its strengths in.
 *
 * @example
 * checkNoStrength('deadzone,a=0.3')   // passes
 * checkNoStrength('l1:1e-4')          // throws "the sweep's penalty 'l1:1e-4' has a strength; give penalties without one (e.g. l1) and the strengths apart"
 */
export function checkNoStrength(text: string): void {
  const parsed = parseSpec(text);
  if (parsed.positional !== undefined)
    throw new UsageError(`the sweep's penalty '${text}' has a strength; give penalties without one (e.g. ${parsed.name}) and the strengths apart`);
}
