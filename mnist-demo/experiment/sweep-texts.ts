/**
 * A sweep grid's rules that need only its text (no TF.js), shared by the command line, which checks
 * them before the library loads (cli/flag-values.ts: sweepGrid), and by the grid's expansion
 * (sweep-grid.ts: expandGrid), so both refuse with one message.
 *
 *   strengths 1e-4,0 ─► checkSweepStrengths ─► UsageError (a strength is drawn on a log axis: > 0)
 *   penalty l1:1e-4  ─► checkNoStrength     ─► UsageError (the sweep gives the strengths)
 *   none,l2 and no strengths ─► checkStrengthsGiven ─► UsageError (no strengths for l2: 0 runs of it)
 */
import { UsageError } from 'penalty-explorer/errors';
import { isModuleRef, PENALTY_SIGNATURES, parseSpec, splitProxFlag } from 'penalty-explorer/spec';

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

/** The error for a sweep penalty `text` that takes a strength when the sweep gives none. */
export function noStrengths(text: string): UsageError {
  return new UsageError(`the sweep has no strengths for ${parseSpec(text).name}: the grid has 0 runs of it; give at least one, e.g. 1e-5,1e-4,1e-3`);
}

/**
 * With no strengths, the UsageError the grid's expansion gives (`noStrengths`) for its first penalty
 * that takes one, when the built-ins' signatures tell: the penalties are gone through in order until
 * a module's (whether it takes a strength is known once it is imported: expandGrid says it then).
 *
 * @example
 * checkStrengthsGiven(['none', 'l2'], [])            // throws "the sweep has no strengths for l2: …"
 * checkStrengthsGiven(['none', './mine.ts', 'l2'], [])   // passes (expandGrid judges ./mine.ts)
 */
export function checkStrengthsGiven(penalties: readonly string[], strengths: readonly number[]): void {
  if (strengths.length > 0) return;
  for (const text of penalties) {
    const name = parseSpec(splitProxFlag(text).spec).name;
    const signature = (PENALTY_SIGNATURES as Readonly<Record<string, { readonly takesStrength?: boolean }>>)[name];
    if (isModuleRef(name) || signature === undefined) return;
    if (signature.takesStrength !== false) throw noStrengths(text);
  }
}
