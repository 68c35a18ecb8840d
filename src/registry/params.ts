/**
 * Parameters of catalogue entries (penalties, constraints, optimisers, gradient transforms): their
 * declaration (default, bounds, doc), strict parsing from text, validation, and the shortest
 * readable formatting. A parameter is a number, or — declared `list` — a list of numbers written
 * with `+` between them (`axis=0+1+2`; a `,` separates parameters).
 */
import { SpecError } from '../errors.ts';

/**
 * How an entry declares one parameter: its default, its doc and the bounds a value must meet.
 *
 * @example
 * const m: ParamDef = { default: 2, min: 0, doc: 'largest norm allowed' };
 */
export interface ParamDef {
  /** The default value (a list parameter's default is its one-element list). */
  readonly default: number;
  /** What the parameter is, in a few words (listings and error messages show it); a user's definition may leave it out. */
  readonly doc?: string;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Exclusive upper bound. */
  readonly below?: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** A list of numbers, each within the bounds: `0+1+2`. */
  readonly list?: boolean;
  /** Left out of the normalised spec while at its default (an option most specs do not use). */
  readonly quiet?: boolean;
  /**
   * The parameter that overrides this one when it is not at its default: this one is then left out of
   * the normalised spec, which would otherwise show a value that does nothing (a norm constraint's
   * `axis` with `perchannel=1`: `maxnorm:m=2,perchannel=1`, not `maxnorm:m=2,axis=0,perchannel=1`).
   */
  readonly overriddenBy?: string;
}
/** An entry's parameters by name (`{ m: { default: 2, min: 0, doc: '…' } }`). */
export type ParamDefs = Readonly<Record<string, ParamDef>>;

/** One parameter's value: a number, or a list for a `list` parameter. */
export type ParamValue = number | readonly number[];
/** Values bound to declared parameters, by name: a number each, a list of numbers for a `list` parameter. */
export type ParamValues<D extends ParamDefs = ParamDefs> = { readonly [K in keyof D]: D[K] extends { readonly list: true } ? readonly number[] : number };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:Infinity|inf|nan|NaN)$/;

/**
 * Parse a number strictly: no empty strings, hex or trailing junk, and no literal that underflows
 * to 0 (`1e-400`) or overflows to ±Infinity (`1e400`); NaN and Infinity written as such parse
 * (and fail bounds later).
 */
export function parseNumber(text: string | undefined, what: string): number {
  const t = (text ?? '').trim();
  if (t === '') throw new SpecError(`${what} is missing a value; expected a number such as 0.25 or 1e-4`);
  if (!NUMBER.test(t)) throw new SpecError(`${what} must be a number, got '${t}'`);
  if (/^[+-]?inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/nan/i.test(t)) return NaN;
  const x = Number(t);
  if (x === 0 && /[1-9]/.test(t.replace(/[eE].*$/, '')))
    throw new SpecError(`${what} '${t}' is too small for a 64-bit float (it would be 0); expected a number of magnitude ≥ 1e-300`);
  if (!Number.isFinite(x) && !/Infinity/.test(t)) throw new SpecError(`${what} '${t}' is too large for a 64-bit float; expected a number of magnitude ≤ 1e300`);
  return x;
}

/** A number by the specs' grammar (`parseNumber`), NaN when it is not one. */
export function numberOrNaN(text: string): number {
  try {
    return parseNumber(text, 'a number');
  } catch {
    return NaN;
  }
}

/** `lo,hi` with lo < hi, by the specs' number grammar; undefined when it is not one. */
export function parseRange(text: string): [number, number] | undefined {
  const parts = text.split(',').map((s) => numberOrNaN(s.trim()));
  return parts.length === 2 && parts.every(Number.isFinite) && (parts[0] as number) < (parts[1] as number)
    ? [parts[0] as number, parts[1] as number]
    : undefined;
}

/** The bounds of a parameter as text, e.g. "≥ 0", "> 0, integer". */
export function describeBounds(def: ParamDef): string {
  const parts: string[] = [];
  if (def.min !== undefined) parts.push(`≥ ${formatNumber(def.min)}`);
  if (def.above !== undefined) parts.push(`> ${formatNumber(def.above)}`);
  if (def.max !== undefined) parts.push(`≤ ${formatNumber(def.max)}`);
  if (def.below !== undefined) parts.push(`< ${formatNumber(def.below)}`);
  return parts.join(', ');
}

/** `a=0.25 (≥ 0)` for each parameter, or `(no parameters)`. */
export function describeParams(defs: ParamDefs): string {
  const entries = Object.entries(defs);
  if (entries.length === 0) return '(no parameters)';
  return entries
    .map(([k, d]) => {
      const b = [describeBounds(d), d.integer ? 'integer' : '', d.list ? 'or a list such as 0+1+2' : ''].filter(Boolean).join(', ');
      return `${k}=${formatNumber(d.default)}${b ? ` (${b})` : ''}`;
    })
    .join(', ');
}

/** Throws SpecError unless `value` is finite and within the declared bounds. */
export function checkParam(what: string, value: number, def: ParamDef): void {
  const bounds = describeBounds(def);
  const expected = `${def.integer ? 'an integer' : 'a finite number'}${bounds ? ` ${bounds}` : ''}`;
  const bad =
    !Number.isFinite(value) ||
    (def.min !== undefined && value < def.min) ||
    (def.above !== undefined && value <= def.above) ||
    (def.max !== undefined && value > def.max) ||
    (def.below !== undefined && value >= def.below) ||
    (def.integer === true && !Number.isInteger(value));
  if (bad) throw new SpecError(`${what}=${formatNumber(value)} is not allowed; expected ${expected}`);
}

/** A parameter's value from its text: a checked number, or for a `list` parameter a checked list (`0+1+2`). */
export function parseParam(text: string, def: ParamDef, what: string): ParamValue {
  if (!def.list) {
    const x = parseNumber(text, what);
    checkParam(what, x, def);
    return x;
  }
  const items = text.split('+').map((part) => parseNumber(part, what));
  for (const x of items) checkParam(what, x, def);
  if (new Set(items).size !== items.length) throw new SpecError(`${what}=${text} names a value twice; give each once`);
  return items;
}

/** A parameter's default value: a one-element list for a `list` parameter. */
export function defaultValue(def: ParamDef): ParamValue {
  return def.list ? [def.default] : def.default;
}

/**
 * A number's normal text in a spec: JavaScript's own decimal for 0 and for 1e-3 ≤ |x| < 1e6 (0.25,
 * 3, 0.001, 1000), outside that range the exponent form when shorter (1e-4, 2.5e-7, 1e6); a list as
 * `0+1+2`. Not the shortest text everywhere (0.001, not 1e-3): this text is part of the normalised
 * spec that names run folders (`l1_0.001`) and that records keep and resumes compare
 * (`config.penalty`, `config.optimizer`: Adam's default is `adam:lr=0.001,…`), so another rule would
 * rename folders users have and refuse their resumes.
 */
export function formatNumber(x: ParamValue): string {
  if (typeof x !== 'number') return x.map((v) => formatNumber(v)).join('+');
  if (!Number.isFinite(x)) return String(x);
  const plain = String(x);
  if (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6)) return plain;
  const exp = x.toExponential().replace('e+', 'e');
  return exp.length < plain.length ? exp : plain;
}

/**
 * A float32 value read back from a tensor (`dataSync()`), as a user would write it: the fewest
 * significant digits that float32 rounds back to the same value, in `formatNumber`'s text — `0.001`
 * for float32's 1e-3 (0.0010000000474974513 as a double), `0.1`, `3.4028235e38`; NaN and ±Infinity
 * as JavaScript says them. A value that is no float32 (a double computed from them) is said whole.
 *
 * @example
 * formatFloat32(Math.fround(1e-3))   // '0.001' (0.0010000000474974513 as a double)
 */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x) || Math.fround(x) !== x) return formatNumber(x);
  for (let digits = 1; digits < 17; digits++) {
    const short = Number(x.toPrecision(digits));
    if (Math.fround(short) === x) return formatNumber(short);
  }
  return formatNumber(x);
}

/**
 * A name as TF.js reads it back from a saved model: it camel-cases every string of a topology
 * (`penx.my_penalty` → `penx.myPenalty`, a config key `max_value` → `maxValue`) as it loads it.
 */
export function tfjsCamelCase(name: string): string {
  return name.length <= 1 || !name.includes('_') ? name : name.replace(/[_]+(\w|$)/g, (_, c: string) => c.toUpperCase());
}

/**
 * A declared parameter's value as a saved config holds it, checked as a spec's would be: a number
 * (a list parameter: a list of numbers, or one number) within its bounds; a SpecError naming `what`
 * otherwise (JSON keeps NaN and ±Infinity as null).
 *
 * @example
 * configParam(-1, { default: 2, min: 0, doc: '' }, 'maxnorm parameter m');   // SpecError: … m=-1 is not allowed; expected a finite number ≥ 0
 */
export function configParam(value: unknown, def: ParamDef, what: string): ParamValue {
  const items = def.list && Array.isArray(value) ? value : [value];
  for (const x of items) {
    if (typeof x !== 'number') throw new SpecError(`${what} is ${JSON.stringify(x) ?? String(x)}, not a number`);
    checkParam(what, x, def);
  }
  return def.list ? (items as number[]) : (value as number);
}

/**
 * The declared parameters' values from a saved config (which may hold other keys, e.g. TF.js's
 * customObjects): a parameter the config lacks takes its default (one declared since the model was
 * saved); one it holds must be valid (`configParam`), never silently replaced.
 */
export function pickParams(defs: ParamDefs, config: Readonly<Record<string, unknown>>, what: string): ParamValues {
  const out: Record<string, ParamValue> = {};
  for (const [key, def] of Object.entries(defs)) {
    // A saved model's config comes back from TF.js with its keys camel-cased (`my_param` → `myParam`).
    const name = key in config ? key : tfjsCamelCase(key);
    out[key] = name in config ? configParam(config[name], def, `${what} parameter ${key}`) : defaultValue(def);
  }
  return out as ParamValues;
}
