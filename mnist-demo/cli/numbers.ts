/**
 * Numeric flags, all read by the one number grammar the specs use (`parseNumber`: decimal or
 * exponent notation; no hex, no empty text, no trailing junk, nothing a float cannot hold), then
 * checked against the flag's range.
 */
import { UsageError } from 'penalty-explorer/errors';
import { parseNumber } from 'penalty-explorer/spec';
import { listItems } from './lists.ts';

/** `text` as a number within [min, max] (`what` says what is accepted, e.g. `accuracy points between 0 and 100 (e.g. 0.5)`), or a UsageError naming the flag. */
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

/**
 * `text` as a whole number ≥ `min` and ≤ `max` (default and at most 2^53 − 1: beyond it a float no
 * longer holds every whole number, so the number read would not be the one typed, e.g.
 * `9007199254740993` read as …992), or a UsageError naming the flag; undefined stays undefined.
 */
export function wholeNumber(text: string, flag: string, min: number, max?: number): number;
export function wholeNumber(text: string | undefined, flag: string, min: number, max?: number): number | undefined;
export function wholeNumber(text: string | undefined, flag: string, min: number, max?: number): number | undefined {
  if (text === undefined) return undefined;
  const upTo = (top: number) => `a whole number ≥ ${min} and ≤ ${top}`;
  const what = max === undefined ? `a whole number ≥ ${min}` : upTo(max);
  const n = numberFlag(text, flag, { min }, what);
  const top = Math.min(max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(n) || n > top) throw new UsageError(`${flag} must be ${n > top ? upTo(top) : what}, got '${text}'`);
  return n;
}

/**
 * Comma-separated whole numbers ≥ `min` (e.g. epochs `0,1,10,40`), in the order given; a UsageError
 * naming the flag when one is not, or is empty (`1,,40`: its position, as `listItems` says).
 */
export function wholeNumbers(text: string, flag: string, min: number): number[] {
  return wholeNumbersOf(listItems(text, flag), text, flag, min);
}

/** `wholeNumbers` of a list `listItems` already read from `text`; no item at all ('' or ','): `text` refused as the number it is not. */
export function wholeNumbersOf(items: readonly string[], text: string, flag: string, min: number): number[] {
  return (items.length > 0 ? items : [text]).map((e) => wholeNumber(e, flag, min));
}

/**
 * `all`, or comma-separated epochs (whole numbers ≥ 0, 0: the model before training) in the order given;
 * a UsageError naming the flag and both forms when `text` is neither.
 *
 * @example
 * epochsOrAll('1,10,40', '--epochs')   // [1, 10, 40]
 * epochsOrAll('all', '--epochs')       // 'all'
 */
export function epochsOrAll(text: string, flag: string): number[] | 'all' {
  if (text.trim() === 'all') return 'all';
  // An empty item is refused as such (by listItems), the rest by the message below.
  const items = listItems(text, flag);
  try {
    return wholeNumbersOf(items, text, flag, 0);
  } catch {
    throw new UsageError(`${flag} must be all, or epochs (whole numbers ≥ 0) such as 1,10,40; got '${text}'`);
  }
}

/** A port a flag asks for: a whole number 0–65535 (0: any free port); undefined when not given. */
export function portNumber(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : wholeNumber(text, flag, 0, 65535);
}
