/**
 * A sweep grid's rules that need only its text (no TF.js), shared by the command line, which checks
 * them before the library loads (cli/flag-values.ts: sweepGrid), and by the grid's expansion
 * (sweep-grid.ts: expandGrid), so both refuse with one message.
 *
 *   strengths 1e-4,0 ─► checkSweepStrengths ─► UsageError (a strength is drawn on a log axis: > 0)
 *   penalty l1:1e-4  ─► checkNoStrength     ─► UsageError (the sweep gives the strengths)
 *   none,l2 and no strengths ─► checkStrengthsGiven ─► UsageError (no strengths for l2: 0 runs of it;
 *                               a module's penalty too, not imported: every one takes a strength)
 *   deadzone,deadzone,a=0.25 ─► sweepPenaltyText ─► both deadzone,a=0.25 (a repeat: cli/lists.ts checkNoRepeats)
 *   ./m.ts:1e-4,./m.ts:0.0001 ─► penaltyKey ─► both ./m.ts:1e-4 (compare's list; a module's by its text alone)
 */
import { UsageError } from 'penalty-explorer/errors';
import { checkSpec, formatNumber, formatPenaltySpec, isModuleRef, PENALTY_SIGNATURES, parseNumber, parsePenaltySpec } from 'penalty-explorer/spec';

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
 * Whether the sweep's penalty `text` takes a strength: a built-in by its signature (`none` takes
 * none); a module's always, before it is imported (`definePenalty` gives every penalty of yours a
 * strength λ; expandGrid asks the definition again once imported); undefined for a name no built-in has.
 *
 * @example
 * takesStrength('deadzone,a=0.3')   // true
 * takesStrength('none')             // false
 * takesStrength('./mine.ts')        // true
 */
export function takesStrength(text: string): boolean | undefined {
  const name = parsePenaltySpec(text).name;
  if (isModuleRef(name)) return true;
  const signature = (PENALTY_SIGNATURES as Readonly<Record<string, { readonly takesStrength?: boolean }>>)[name];
  return signature === undefined ? undefined : signature.takesStrength !== false;
}

/**
 * With no strengths, the UsageError the grid's expansion gives (`noStrengths`) for the first of its
 * penalties that takes one (`takesStrength`: a built-in but `none`, or a module), before any module is imported.
 *
 * @example
 * checkStrengthsGiven(['none', 'l2'], [])          // throws "the sweep has no strengths for l2: …"
 * checkStrengthsGiven(['none', './mine.ts'], [])   // throws "the sweep has no strengths for ./mine.ts: …"
 * checkStrengthsGiven(['none'], [])                // passes (none: once per seed)
 */
export function checkStrengthsGiven(penalties: readonly string[], strengths: readonly number[]): void {
  if (strengths.length > 0) return;
  const first = penalties.find((text) => takesStrength(text) === true);
  if (first !== undefined) throw noStrengths(first);
}

/** A value of a spec as text, shortest-form when it is a number or a `+` list of them; as typed otherwise. */
function shortest(value: string): string {
  try {
    return value
      .split('+')
      .map((v) => formatNumber(parseNumber(v, 'a value')))
      .join('+');
  } catch {
    return value;
  }
}

/**
 * A penalty spec's normal form as far as its text decides it, telling a list's penalties apart
 * (`penx compare --penalties`, a sweep's): a built-in's as `checkSpec` gives it (every parameter,
 * numbers shortest-form); a module's, not imported, with its strength (the first positional item)
 * and values shortest-form and its parameters in name order — a parameter or strength left out is
 * not filled in (its default is the module's), a value that is no number left as typed (the module refuses it).
 *
 * @example
 * penaltyKey('l1:0.0001')                       // 'l1:1e-4'
 * penaltyKey('./m.ts:0.0001,b=2.0,a=1,prox')    // './m.ts:1e-4,a=1,b=2,prox'
 * penaltyKey('./m.ts')                          // './m.ts' (apart from './m.ts:1e-4' until the module says its default)
 */
export function penaltyKey(text: string): string {
  const bound = checkSpec('penalty', text);
  if (bound !== undefined) return bound;
  const parsed = parsePenaltySpec(text);
  return formatPenaltySpec({
    ...parsed,
    positional: parsed.positional === undefined ? undefined : shortest(parsed.positional),
    params: parsed.params.map(([k, v]) => [k, shortest(v)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  });
}

/**
 * A sweep's penalty as the grid tells penalties apart: its `penaltyKey` without the strength the
 * sweep puts in, `,prox` kept.
 *
 * @example
 * sweepPenaltyText('deadzone')               // 'deadzone,a=0.25'
 * sweepPenaltyText('lp,p=3.0')               // 'lp,p=3'
 * sweepPenaltyText('l1,prox')                // 'l1,prox'
 * sweepPenaltyText('./m.ts,eps=1e-2')        // './m.ts,eps=0.01'
 */
export function sweepPenaltyText(text: string): string {
  return formatPenaltySpec({ ...parsePenaltySpec(penaltyKey(text)), positional: undefined });
}
