/**
 * The spec grammar every command and the library read:
 *
 *   spec     = name [ ":" item ] { "," key "=" value }
 *   item     = number | key "=" value        (a bare number is a penalty's strength)
 *   name     = registry name | module path   (a path starts with "." or "/" or ends in .ts/.js/.mjs/.mts)
 *
 * e.g. `l1:1e-4`, `deadzone:1e-4,a=0.25`, `lp:1e-4,p=3`, `none`, `./my-penalty.ts:1e-4,k=2`,
 * `minmaxnorm:min=0,max=5,rate=0.1`. Parsing is purely textual; meaning (known names, numeric
 * values, bounds) is checked against a catalogue when it resolves the spec (`Catalog.resolve`).
 */
import { SpecError } from '../errors.ts';
import { formatNumber, type ParamValue } from './params.ts';

/** A spec as text split into its parts (`deadzone:1e-4,a=0.25` ─► name, positional, params); nothing checked yet. */
export interface ParsedSpec {
  /** The text as the user gave it. */
  readonly text: string;
  /** A registry name or a module path. */
  readonly name: string;
  /** The bare value after `:` (a penalty's strength), as text; undefined when absent. */
  readonly positional: string | undefined;
  /** `key=value` pairs in the order given. */
  readonly params: ReadonlyArray<readonly [string, string]>;
}

const MODULE_EXT = /\.(?:[cm]?[jt]s)$/;

/** True when `name` names a user module rather than a registry entry. */
export function isModuleRef(name: string): boolean {
  return name.startsWith('.') || name.startsWith('/') || MODULE_EXT.test(name);
}

/** Parse one spec string; throws SpecError on malformed text. */
export function parseSpec(text: string): ParsedSpec {
  return readSpec(text, []).spec;
}

/**
 * The spec `text` split into its parts, each item of `flags` (a bare word, e.g. `prox`) taken out
 * wherever it stands after the name and listed in `found`; a SpecError on malformed text or a flag
 * given twice.
 */
function readSpec(text: string, flags: readonly string[]): { spec: ParsedSpec; found: string[] } {
  const trimmed = text.trim();
  if (trimmed === '') throw new SpecError(`empty spec: expected name[:strength][,key=value]*, e.g. l1:1e-4`);
  const [head = '', ...rest] = trimmed.split(',');
  let name = head;
  let positional: string | undefined;
  const items: string[] = [];
  const colon = head.lastIndexOf(':');
  if (colon >= 0) {
    name = head.slice(0, colon);
    const item = head.slice(colon + 1);
    if (item.includes('=')) items.push(item);
    else positional = item;
  }
  name = name.trim();
  if (name === '') throw new SpecError(`spec '${text}' has no name before ':'; expected e.g. l1:1e-4`);
  if (positional !== undefined && flags.includes(positional.trim())) throw flagAsStrength(text, name, positional.trim(), rest);
  items.push(...rest);
  const params: Array<readonly [string, string]> = [];
  const found: string[] = [];
  for (const raw of items) {
    if (flags.includes(raw.trim())) {
      if (found.includes(raw.trim())) throw new SpecError(`spec '${text}': '${raw.trim()}' is given twice`);
      found.push(raw.trim());
      continue;
    }
    const eq = raw.indexOf('=');
    const key = eq < 0 ? raw.trim() : raw.slice(0, eq).trim();
    if (eq < 0 || key === '') {
      throw new SpecError(`spec '${text}': '${raw}' is not key=value (only the first item after ':' may be a bare strength)`);
    }
    if (params.some(([k]) => k === key)) throw new SpecError(`spec '${text}': parameter '${key}' is given twice`);
    params.push([key, raw.slice(eq + 1).trim()]);
  }
  return { spec: { text, name, positional: positional?.trim(), params }, found };
}

/**
 * The refusal of a flag written where the strength goes (`l1:prox`): a flag is an item after a
 * comma, so the message gives the spec as it reads (`l1,prox`; a strength, where one is given, before it: `l1:1e-4,prox`).
 *
 * @example
 * flagAsStrength('deadzone:prox,a=0.3', 'deadzone', 'prox', ['a=0.3']).message
 * // "spec 'deadzone:prox,a=0.3': 'prox' is not a strength but an item after a comma: write deadzone,a=0.3,prox"
 */
function flagAsStrength(text: string, name: string, flag: string, rest: readonly string[]): SpecError {
  const items = [...rest.map((r) => r.trim()).filter((r) => r !== flag), flag].join(',');
  return new SpecError(`spec '${text}': '${flag}' is not a strength but an item after a comma: write ${name},${items}`);
}

/** The spec item that asks for a penalty's proximal mode: `l1:1e-4,prox`. */
export const PROX_FLAG = 'prox';

/** A penalty spec's parts (`parsePenaltySpec`): a spec's, and whether it asks for the proximal mode (`,prox`). */
export interface ParsedPenaltySpec extends ParsedSpec {
  readonly prox: boolean;
}

/**
 * A penalty spec read with its flag: its parts as `parseSpec` reads them, the text as given, and
 * whether it asks for the proximal mode — the item `prox`, wherever it stands after the name
 * (`l1:1e-4,prox`, `deadzone:1e-4,prox,a=0.3`, `l1:1e-4, prox `); a parameter named `prox=…` is a
 * parameter. The one reading of a penalty spec (its inverse: `formatPenaltySpec`).
 *
 * @example
 * parsePenaltySpec('l1:1e-4,prox')   // { text: 'l1:1e-4,prox', name: 'l1', positional: '1e-4', params: [], prox: true }
 */
export function parsePenaltySpec(text: string): ParsedPenaltySpec {
  const { spec, found } = readSpec(text, [PROX_FLAG]);
  return { ...spec, prox: found.includes(PROX_FLAG) };
}

/**
 * A penalty spec's text from its parts, the inverse of `parsePenaltySpec` (the parts of
 * `parsePenaltySpec(formatPenaltySpec(x))` are x's): `name[:strength][,key=value]*[,prox]`, the
 * strength and values as given; without a strength, `name[,key=value]*[,prox]`, as a sweep's penalty
 * is written.
 *
 * @example
 * formatPenaltySpec({ name: 'deadzone', positional: '1e-3', params: [['a', '0.3']], prox: false })   // 'deadzone:1e-3,a=0.3'
 * formatPenaltySpec({ name: 'l1', positional: undefined, params: [], prox: true })                   // 'l1,prox'
 */
export function formatPenaltySpec(spec: Omit<ParsedPenaltySpec, 'text'>): string {
  const head = spec.positional === undefined ? spec.name : `${spec.name}:${spec.positional}`;
  return [head, ...spec.params.map(([k, v]) => `${k}=${v}`), ...(spec.prox ? [PROX_FLAG] : [])].join(',');
}

/** Flag items a spec may end with. */
const SPEC_FLAGS: readonly string[] = [PROX_FLAG];

/**
 * Split a comma-separated list of specs, e.g. `none,l1:1e-4,prox,deadzone:1e-4,a=0.3`: a piece
 * that is `key=value` or a flag (`prox`) continues the spec before it; any other piece starts a new one.
 * Given the pieces (the text already split at every `,`), it joins them the same way.
 *
 * @example
 * splitSpecList('none,deadzone:1e-4,a=0.3')          // ['none', 'deadzone:1e-4,a=0.3']
 * splitSpecList(['none', 'deadzone:1e-4', 'a=0.3'])  // the same
 */
export function splitSpecList(text: string | readonly string[]): string[] {
  const specs: string[] = [];
  for (const piece of typeof text === 'string' ? text.split(',') : text) {
    const flag = SPEC_FLAGS.includes(piece.trim());
    const continues = flag || (/^\s*[A-Za-z_][\w.-]*\s*=/.test(piece) && !piece.includes(':'));
    if (continues && specs.length > 0) specs[specs.length - 1] += `,${piece}`;
    else specs.push(piece);
  }
  return specs.map((s) => s.trim()).filter((s) => s !== '');
}

/** The normalised text of a bound spec: `name[:positional][,key=value]*`, numbers shortest-form. */
export function formatSpec(name: string, positional: number | undefined, params: Readonly<Record<string, ParamValue>>): string {
  const items = [...(positional === undefined ? [] : [formatNumber(positional)]), ...Object.entries(params).map(([k, v]) => `${k}=${formatNumber(v)}`)];
  return items.length === 0 ? name : `${name}:${items.join(',')}`;
}
