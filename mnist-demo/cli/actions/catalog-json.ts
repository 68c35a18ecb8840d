/**
 * `--json` of `penx penalties|constraints|optimizers`: the catalogue as data (one object per entry:
 * name, formula, doc, parameters with their defaults and bounds, built-in or not), or, for specs,
 * one object per spec (`{ input, spec, formula, from? }`, or `{ input, error }` for a bad one).
 * That document is all stdout holds: what a user's module prints while it is loaded goes to stderr (../json.ts).
 */
import type { CatalogEntry, ParamDefs } from 'penalty-explorer';

/** A parameter as data: its default, bounds and doc. */
function paramsJson(params: ParamDefs): Record<string, object> {
  return Object.fromEntries(Object.entries(params).map(([name, p]) => [name, { ...p }]));
}

/** One catalogue entry as data; `extra` adds kind-specific fields (a penalty's strength, an optimiser's or transform's `kind`). */
export function entryJson(def: CatalogEntry, formula: string, extra: object = {}): object {
  return { name: def.name, formula, doc: def.doc, ...extra, params: paramsJson(def.params), builtin: def.builtin };
}
