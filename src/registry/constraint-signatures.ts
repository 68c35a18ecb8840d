/**
 * The built-in constraints' signatures — formula, doc, parameters and the checks across them — as
 * data (no TF.js), so a spec is checked (`checkSpec`, penalty-explorer/spec) without loading the
 * constraints. `constraints/builtins.ts` gives each its function (the compiler checks that every
 * signature has one, and nothing else).
 */
import type { CatalogEntry } from './catalog.ts';
import type { ParamDefs, ParamValues } from './params.ts';

/** What a constraint is to a spec or a listing: its formula, a line of doc, its parameters and a check across them. */
export interface ConstraintSignature<D extends ParamDefs = ParamDefs> {
  /** What the constraint does to w, e.g. `w · clip(‖w‖, 0, m) / (ε + ‖w‖)`. */
  readonly formula: string;
  /** One line on what it does, with an example spec. */
  readonly doc: string;
  readonly params: D;
  /** Checks across parameters (e.g. min ≤ max): a message when invalid. */
  readonly check?: (params: ParamValues<D>) => string | undefined;
}

/** Identity, for type inference of a signature's parameter names in its `check`. */
const signature = <D extends ParamDefs>(s: ConstraintSignature<D>): ConstraintSignature<D> => s;

const axisParam = {
  default: 0,
  integer: true,
  list: true,
  doc: 'axis or axes (0+1+2) along which norms are taken (negative counts from the end)',
  // perchannel=1 takes the norms over every axis but the last: the spec then shows no axis.
  overriddenBy: 'perchannel',
} as const;
const perChannelParam = {
  default: 0,
  min: 0,
  max: 1,
  integer: true,
  quiet: true,
  doc: "1: norms over every axis but the last, instead of axis: per output channel of a Conv, per unit of a Dense, per input channel of a Conv2DTranspose (TF.js's kernel [h, w, out, in]); on a rank-1 weight (a bias) each value is its channel's, norm |w_i|",
} as const;

/** The message when both `perchannel=1` and an axis other than the default are given: one would be ignored. */
function axisAndPerChannel({ axis, perchannel }: { axis: readonly number[]; perchannel: number }): string | undefined {
  return perchannel === 1 && !(axis.length === 1 && axis[0] === 0)
    ? `perchannel=1 takes the norms over every axis but the last, so it cannot be given with axis=${axis.join('+')}; give one of them`
    : undefined;
}

/** The built-in constraints' signatures by name: maxnorm, nonneg, unitnorm, minmaxnorm. */
export const CONSTRAINT_SIGNATURES = {
  maxnorm: signature({
    formula: 'w · clip(‖w‖, 0, m) / (ε + ‖w‖)',
    doc: 'Caps the norm of each slice at m. Example: maxnorm:m=2,axis=0 (Dense), maxnorm:m=2,axis=0+1+2 (per Conv2D filter), maxnorm:m=2,perchannel=1 (per slice of the last axis of any kernel: each Conv2D filter, each Dense unit)',
    params: { m: { default: 2, min: 0, doc: 'largest norm allowed' }, axis: axisParam, perchannel: perChannelParam },
    check: axisAndPerChannel,
  }),
  nonneg: signature({ formula: 'w · [w ≥ 0]', doc: 'Sets negative weights to 0. Example: nonneg', params: {} }),
  unitnorm: signature({
    formula: 'w / (ε + ‖w‖)',
    doc: 'Scales each slice to norm 1. Example: unitnorm:axis=0',
    params: { axis: axisParam, perchannel: perChannelParam },
    check: axisAndPerChannel,
  }),
  minmaxnorm: signature({
    formula: 'w · (rate·clip(‖w‖, min, max) + (1−rate)·‖w‖) / (ε + ‖w‖)',
    doc: "Moves each slice's norm part of the way (rate) into [min, max]. Example: minmaxnorm:min=0,max=5,rate=0.1",
    params: {
      min: { default: 0, min: 0, doc: 'smallest norm' },
      max: { default: 1, min: 0, doc: 'largest norm' },
      rate: { default: 1, min: 0, max: 1, doc: 'share of the way to move the norm per step (1 = strict)' },
      axis: axisParam,
      perchannel: perChannelParam,
    },
    check: (p) => (p.min > p.max ? `minmaxnorm needs min ≤ max, got min=${p.min}, max=${p.max}` : axisAndPerChannel(p)),
  }),
} as const;

/** The name of a built-in constraint: `maxnorm`, `nonneg`, `unitnorm` or `minmaxnorm`. */
export type BuiltinConstraintName = keyof typeof CONSTRAINT_SIGNATURES;

/** A constraint in a catalogue, as far as a spec needs it: its entry and its check across parameters (none: every value set is fine). */
export interface ConstraintEntry extends CatalogEntry {
  readonly check?: (params: ParamValues) => string | undefined;
}

/** A constraint's check across its parameters, for its catalogue: a message when invalid. */
export const constraintCheck = (entry: ConstraintEntry, params: ParamValues): string | undefined => entry.check?.(params);
