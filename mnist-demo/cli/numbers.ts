/** Whole-number flags, checked the same way on every command. */
import { SpecError } from '../../src/spec/errors.ts';

/** `text` as a whole number ≥ `min`, or a SpecError naming the flag; undefined stays undefined. */
export function wholeNumber(text: string, flag: string, min: number): number;
export function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined;
export function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < min) throw new SpecError(`${flag} must be a whole number ≥ ${min}, got '${text}'`);
  return n;
}
