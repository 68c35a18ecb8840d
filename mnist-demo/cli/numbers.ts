/**
 * Numeric flags, all read by the one number grammar the specs use (`parseNumber`: decimal or
 * exponent notation; no hex, no empty text, no trailing junk, nothing a float cannot hold), then
 * checked against the flag's range.
 */
import { parseNumber, UsageError } from 'penalty-explorer';

/** `text` as a number within [min, max] (`what` says what is accepted, e.g. `accuracy points between 0 and 100 (e.g. 0.5)`), or a SpecError naming the flag. */
export function numberFlag(text: string, flag: string, bounds: { readonly min?: number; readonly max?: number }, what: string): number {
  let x: number;
  try {
    x = parseNumber(text, flag);
  } catch {
    x = NaN;
  }
  if (!Number.isFinite(x) || (bounds.min !== undefined && x < bounds.min) || (bounds.max !== undefined && x > bounds.max))
    throw new UsageError(`${flag} must be ${what}, got '${text}'`);
  return x;
}

/** `text` as a whole number ≥ `min` (and ≤ `max`), or a SpecError naming the flag; undefined stays undefined. */
export function wholeNumber(text: string, flag: string, min: number, max?: number): number;
export function wholeNumber(text: string | undefined, flag: string, min: number, max?: number): number | undefined;
export function wholeNumber(text: string | undefined, flag: string, min: number, max?: number): number | undefined {
  if (text === undefined) return undefined;
  const what = `a whole number ≥ ${min}${max === undefined ? '' : ` and ≤ ${max}`}`;
  const n = numberFlag(text, flag, { min, ...(max === undefined ? {} : { max }) }, what);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be ${what}, got '${text}'`);
  return n;
}

/** Comma-separated whole numbers ≥ `min` (e.g. epochs `0,1,10,40`), in the order given; a SpecError naming the flag when one is not. */
export function wholeNumbers(text: string, flag: string, min: number): number[] {
  return text.split(',').map((e) => wholeNumber(e.trim(), flag, min));
}

/** A port a flag asks for: a whole number 0–65535 (0: any free port); undefined when not given. */
export function portNumber(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : wholeNumber(text, flag, 0, 65535);
}
