/**
 * Portable model topologies: this library's penalties and constraints taken out of a TF.js model
 * topology so plain TF.js (an app, a browser that does not import this package) loads it, and put
 * back when this package loads it. Pure JSON work, browser-safe.
 *
 *   topology ─► each of this library's regularizers and constraints in a layer config:
 *     l1, l2, l1l2 (not in proximal mode) ─► TF.js's own L1L2 with the same factors (the same loss)
 *     any other penalty, every constraint of this library ─► left out (null)
 *   ─► what was replaced or left out, with where it was, in model.json's `userDefinedMetadata`
 */
import { DataError } from '../errors.ts';

/** The key of this library's entry in model.json's `userDefinedMetadata`. */
export const PORTABLE_KEY = 'penalty-explorer';
/** The format of that entry. */
export const PORTABLE_FORMAT = 'penalty-explorer/portable@1';

type Json = Record<string, unknown>;
type Serialized = { class_name: string; config: Json };

/** One regularizer or constraint taken out of a portable topology: where it was, what it was, what stands there now. */
export interface PortableEntry {
  /** Keys from the topology's root to the config entry, e.g. `['config', 'layers', 1, 'config', 'kernel_regularizer']`. */
  readonly path: ReadonlyArray<string | number>;
  readonly original: Serialized;
  /** TF.js's own equivalent put there, or null when it was left out. */
  readonly portable: Serialized | null;
}

const PREFIX = 'penx.';

/** A layer config's regularizers and constraints: keys such as `kernel_regularizer`, `bias_constraint`. */
export const CONTROL_KEY = /_(regularizer|constraint)$/;
const isOurs = (v: unknown): v is Serialized =>
  typeof v === 'object' && v !== null && typeof (v as Serialized).class_name === 'string' && (v as Serialized).class_name.startsWith(PREFIX);

/** TF.js's L1L2 for this library's l1, l2 and l1l2 (same loss: λ·Σ|w| is L1L2 with l1 = λ); null for others. */
function asTfjs(reg: Serialized): Serialized | null {
  const c = reg.config;
  if (c['prox'] === true) return null;
  const num = (k: string, d: number) => (typeof c[k] === 'number' ? (c[k] as number) : d);
  const strength = num('strength', reg.class_name === `${PREFIX}l1l2` ? 1 : 1e-4);
  switch (reg.class_name) {
    case `${PREFIX}l1`:
      return { class_name: 'L1L2', config: { l1: strength, l2: 0 } };
    case `${PREFIX}l2`:
      return { class_name: 'L1L2', config: { l1: 0, l2: strength } };
    case `${PREFIX}l1l2`:
      return { class_name: 'L1L2', config: { l1: strength * num('l1', 1e-4), l2: strength * num('l2', 1e-4) } };
    default:
      return null;
  }
}

/** The topology made portable, in place; returns what was taken out. */
export function makePortable(topology: unknown): PortableEntry[] {
  const out: PortableEntry[] = [];
  const walk = (node: unknown, path: Array<string | number>) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, [...path, i]));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (CONTROL_KEY.test(key) && isOurs(value)) {
        const portable = key.endsWith('_regularizer') ? asTfjs(value) : null;
        (node as Json)[key] = portable;
        out.push({ path: [...path, key], original: value, portable });
      } else walk(value, [...path, key]);
    }
  };
  walk(topology, []);
  return out;
}

/**
 * The topology with what `makePortable` took out put back, in place; a DataError naming `where` (the
 * model.json it came from: a path or a URL) when the topology does not match its metadata.
 */
export function restorePortable(topology: unknown, entries: readonly PortableEntry[], where: string): void {
  for (const e of entries) {
    const parent = e.path
      .slice(0, -1)
      .reduce<unknown>((n, k) => (n === null || typeof n !== 'object' ? undefined : (n as Record<string | number, unknown>)[k]), topology);
    const key = e.path.at(-1) as string;
    if (parent === null || typeof parent !== 'object' || JSON.stringify((parent as Json)[key] ?? null) !== JSON.stringify(e.portable)) {
      throw new DataError(
        `${where}: its topology does not match its ${PORTABLE_KEY} metadata at ${e.path.join('/')}; was it edited? Load it with plain TF.js, or save it again`,
      );
    }
    (parent as Json)[key] = e.original;
  }
}
