/**
 * A sweep grid's rules that need only its text (no TF.js), shared by the command line, which checks
 * them before the library loads (cli/flag-values.ts: sweepGrid), and by the grid's expansion
 * (sweep-grid.ts: expandGrid), so both refuse with one message.
 *
 *   strengths 1e-4,0 ─► checkSweepStrengths ─► UsageError (a strength is drawn on a log axis: > 0)
 *   penalty l1:1e-4  ─► checkNoStrength     ─► UsageError (the sweep gives the strengths)
 *   none,l2 and no strengths ─► checkStrengthsGiven ─► UsageError (no strengths for l2: 0 runs of it)
 *   deadzone,deadzone,a=0.25 ─► sweepPenaltyText ─► both deadzone,a=0.25 (a repeat: cli/lists.ts checkNoRepeats)
 */
import { UsageError } from 'penalty-explorer/errors';
import { checkSpec, isModuleRef, PENALTY_SIGNATURES, PROX_FLAG, parsePenaltySpec } from 'penalty-explorer/spec';

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
 * checkNoStrength('l1,prox')          // passes (the proximal step, at each of the sweep's strengths)
 * checkNoStrength('l1:1e-4')          // throws "the sweep's penalty 'l1:1e-4' has a strength; give penalties without one (e.g. l1) and the strengths apart"
 */
export function checkNoStrength(text: string): void {
  const parsed = parsePenaltySpec(text);
  if (parsed.positional !== undefined)
    throw new UsageError(`the sweep's penalty '${text}' has a strength; give penalties without one (e.g. ${parsed.name}) and the strengths apart`);
}

/** The error for a sweep penalty `text` that takes a strength when the sweep gives none. */
export function noStrengths(text: string): UsageError {
  return new UsageError(`the sweep has no strengths for ${parsePenaltySpec(text).name}: the grid has 0 runs of it; give at least one, e.g. 1e-5,1e-4,1e-3`);
}

/**
 * Whether the sweep's penalty `text` takes a strength, by the built-ins' signatures (`none` takes
 * none); undefined for a module's (known once it is imported) or a name no built-in has.
 *
 * @example
 * builtinTakesStrength('deadzone,a=0.3')   // true
 * builtinTakesStrength('none')             // false
 * builtinTakesStrength('./mine.ts')        // undefined
 */
export function builtinTakesStrength(text: string): boolean | undefined {
  const name = parsePenaltySpec(text).name;
  const signature = (PENALTY_SIGNATURES as Readonly<Record<string, { readonly takesStrength?: boolean }>>)[name];
  if (isModuleRef(name) || signature === undefined) return undefined;
  return signature.takesStrength !== false;
}

/**
 * With no strengths, the UsageError the grid's expansion gives (`noStrengths`) for the first of its
 * penalties that is a built-in taking one, whatever comes before it (a module's penalty takes a strength
 * or not by what it exports, known once it is imported: expandGrid says it then).
 *
 * @example
 * checkStrengthsGiven(['none', 'l2'], [])                // throws "the sweep has no strengths for l2: …"
 * checkStrengthsGiven(['./mine.ts', 'none', 'l2'], [])   // throws "the sweep has no strengths for l2: …"
 * checkStrengthsGiven(['none', './mine.ts'], [])         // passes (expandGrid judges ./mine.ts)
 */
export function checkStrengthsGiven(penalties: readonly string[], strengths: readonly number[]): void {
  if (strengths.length > 0) return;
  const first = penalties.find((text) => builtinTakesStrength(text) === true);
  if (first !== undefined) throw noStrengths(first);
}

/**
 * A sweep's penalty as the grid tells penalties apart: the normalised spec (`checkSpec`: every
 * parameter, numbers shortest-form) without the strength the sweep puts in, `,prox` kept; a
 * module's as typed (its normal form is known once it is imported).
 *
 * @example
 * sweepPenaltyText('deadzone')          // 'deadzone,a=0.25'
 * sweepPenaltyText('lp,p=3.0')          // 'lp,p=3'
 * sweepPenaltyText('l1,prox')           // 'l1,prox'
 */
export function sweepPenaltyText(text: string): string {
  const bound = checkSpec('penalty', text);
  if (bound === undefined) return text;
  const parsed = parsePenaltySpec(bound);
  return `${parsed.name}${parsed.params.map(([k, v]) => `,${k}=${v}`).join('')}${parsed.prox ? `,${PROX_FLAG}` : ''}`;
}
