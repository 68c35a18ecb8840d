/**
 * Options objects checked for unknown keys, as a typed language would: plain JavaScript silently
 * ignores `batch_size` or `epocs`; here they stop the call, naming the nearest known key.
 *
 *   checkOptionKeys({ epocs: 3 }, ['epochs', …], 'fit')
 *   ─► UsageError: fit: unknown option 'epocs' (did you mean 'epochs'?); known: epochs, …
 */
import { closest, distance } from 'fastest-levenshtein';
import { UsageError } from '../errors.ts';

/** ` (did you mean 'x'?)` for the known name nearest to `word` (case and `_` ignored), or '' when none is near. */
export function nearest(word: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const byNorm = new Map(known.map((k) => [norm(k), k]));
  const best = closest(norm(word), [...byNorm.keys()]);
  // Near: at most a third of the word's letters changed (`epocs` → `epochs`, `batch_size` → `batchSize`).
  return distance(norm(word), best) <= Math.max(1, Math.floor(word.length / 3)) ? ` (did you mean '${byNorm.get(best)}'?)` : '';
}

/**
 * Throws a UsageError for each key of `options` that is not in `known`; `notSupported` names keys
 * that mean something elsewhere (TF.js's own `fit` options) with what to do instead.
 */
export function checkOptionKeys(options: object, known: readonly string[], what: string, notSupported: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const instead = notSupported[key];
    if (instead) throw new UsageError(`${what}: option '${key}' is not supported; ${instead}`);
    throw new UsageError(`${what}: unknown option '${key}'${nearest(key, known)}; known options: ${known.join(', ')}`);
  }
}
