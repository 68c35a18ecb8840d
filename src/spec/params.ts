/**
 * Numeric parameters of penalties and constraints: their declaration (default, bounds, doc),
 * strict parsing from text, validation, and the shortest readable formatting.
 */
import { SpecError } from './errors.ts';

export interface ParamDef {
  readonly default: number;
  readonly doc: string;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  readonly integer?: boolean;
}
export type ParamDefs = Readonly<Record<string, ParamDef>>;
export type ParamValues<D extends ParamDefs = ParamDefs> = { readonly [K in keyof D]: number };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:Infinity|inf|nan|NaN)$/;

/** Parse a number strictly: no empty strings, hex or trailing junk; NaN/Infinity parse (and fail bounds later). */
export function parseNumber(text: string | undefined, what: string): number {
  const t = (text ?? '').trim();
  if (t === '') throw new SpecError(`${what} is missing a value; expected a number such as 0.25 or 1e-4`);
  if (!NUMBER.test(t)) throw new SpecError(`${what} must be a number, got '${t}'`);
  if (/^[+-]?inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return /nan/i.test(t) ? NaN : Number(t);
}

/** The bounds of a parameter as text, e.g. "≥ 0", "> 0, integer". */
export function describeBounds(def: ParamDef): string {
  const parts: string[] = [];
  if (def.min !== undefined) parts.push(`≥ ${formatNumber(def.min)}`);
  if (def.above !== undefined) parts.push(`> ${formatNumber(def.above)}`);
  if (def.max !== undefined) parts.push(`≤ ${formatNumber(def.max)}`);
  return parts.join(', ');
}

/** `a=0.25 (≥ 0)` for each parameter, or `(no parameters)`. */
export function describeParams(defs: ParamDefs): string {
  const entries = Object.entries(defs);
  if (entries.length === 0) return '(no parameters)';
  return entries
    .map(([k, d]) => {
      const b = [describeBounds(d), d.integer ? 'integer' : ''].filter(Boolean).join(', ');
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
    (def.integer === true && !Number.isInteger(value));
  if (bad) throw new SpecError(`${what}=${formatNumber(value)} is not allowed; expected ${expected}`);
}

/** Shortest readable text for a number: 0.25, 3, 1e-4, 2.5e-7. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const plain = String(x);
  if (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6)) return plain;
  const exp = x.toExponential().replace('e+', 'e');
  return exp.length < plain.length ? exp : plain;
}

/** The declared parameters' values from a saved config (which may hold other keys, e.g. TF.js's customObjects). */
export function pickParams(defs: ParamDefs, config: Readonly<Record<string, unknown>>): ParamValues {
  const out: Record<string, number> = {};
  for (const [key, def] of Object.entries(defs)) {
    const v = config[key];
    out[key] = typeof v === 'number' ? v : def.default;
  }
  return out;
}
