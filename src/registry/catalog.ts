/**
 * The one registry mechanism behind penalties, constraints, optimisers and gradient transforms:
 *
 *   spec text ─► parseSpec ─► catalogue entry (built-in, or defined by the user) ─► values bound
 *             (positional value, key=value parameters: defaults filled in, bounds checked)
 *             ─► the kind's own object (a regularizer, a constraint, an optimiser, a transform)
 *
 * A catalogue is the single source of names, parameters, defaults and formula text that the spec
 * parser, deserialisation, the command line's listings and every error message read. Each kind
 * supplies only what is its own: its built-ins, what a positional value means (a penalty's
 * strength, a transform's first parameter) and how bound values become its object.
 */

import { SpecError } from '../errors.ts';
import { type Brand, brand } from './brand.ts';
import {
  checkParam,
  configParam,
  defaultValue,
  describeBounds,
  describeParams,
  formatNumber,
  type ParamDef,
  type ParamDefs,
  type ParamValue,
  type ParamValues,
  parseNumber,
  parseParam,
  pickParams,
} from './params.ts';
import { formatSpec, isModuleRef, type ParsedSpec, parseSpec } from './parse.ts';

/** What every catalogue entry has. */
export interface CatalogEntry {
  readonly name: string;
  /** The formula over the entries w of one tensor, e.g. `Σ|w|`. */
  readonly formula: string;
  readonly doc: string;
  readonly params: ParamDefs;
  readonly builtin: boolean;
}

/** The four kinds of catalogue entry; a kind names its entries in messages (`unknown penalty 'l5'`). */
export type Kind = 'penalty' | 'constraint' | 'optimizer' | 'gradient transform';

/** An entry bound to values from a spec. */
export interface Binding<E extends CatalogEntry> {
  readonly entry: E;
  /** The positional value after `:` (a penalty's strength), when the kind has one. */
  readonly positional: number | undefined;
  readonly params: ParamValues;
  /** The normalised spec, e.g. `deadzone:1e-4,a=0.25`. */
  readonly spec: string;
}

/** A spec as an object: `{ name: 'deadzone', positional: 1e-4, params: { a: 0.3 } }`. */
export interface SpecObject {
  readonly name: string;
  readonly positional?: number;
  readonly params?: Readonly<Record<string, ParamValue>>;
}

/** How a kind reads the positional value of a spec; absent when the kind takes none. */
export interface Positional<E extends CatalogEntry> {
  /** Its name in messages and saved configs, e.g. `strength`. */
  readonly name: string;
  /** Its declaration for this entry (default and bounds), or undefined when the entry takes none. */
  readonly of: (entry: E) => ParamDef | undefined;
  /** Write it as the first `key=value` parameter instead (a transform's `clipnorm:1` is `clipnorm:c=1`). */
  readonly asFirstParam?: boolean;
}

/** What a kind gives its catalogue: its built-ins, how it reads a positional value, checks it across parameters, binds values to its object and probes a user's. */
export interface CatalogOptions<E extends CatalogEntry, B> {
  readonly kind: Kind;
  readonly builtins: Readonly<Record<string, E>>;
  readonly positional?: Positional<E>;
  /** Checks across parameters (e.g. min ≤ max): a message when invalid. */
  readonly check?: (entry: E, params: ParamValues) => string | undefined;
  /** The kind's object for bound values. */
  readonly bind: (binding: Binding<E>) => B;
  /** Checks a user definition's object on probe values before it is used; throws SpecError. */
  readonly probe?: (bound: B) => void;
  /** Called for every entry once it is in the catalogue (built-ins at start, user entries when defined). */
  readonly onAdd?: (entry: E) => void;
}

const NAME = /^[a-z][a-z0-9_-]*$/i;

/** The brand of a kind's entries, stamped by its `make…Definition` (see `stamped`). */
export function kindBrand(kind: Kind): Brand {
  return brand(`${kind}.definition`);
}

/** `entry` frozen and marked as an entry of `kind`. */
export function stamped<E extends CatalogEntry>(kind: Kind, entry: E): E {
  return Object.freeze({ ...entry, [kindBrand(kind).symbol]: true });
}

/** A registry from bodies keyed by name: `make(name, body)` for each. */
export function named<B, E>(bodies: Readonly<Record<string, B>>, make: (name: string, body: B) => E): Record<string, E> {
  return Object.fromEntries(Object.entries(bodies).map(([name, body]) => [name, make(name, body)]));
}

/**
 * A catalogue of one kind of entry: the built-ins, then user definitions shared by every copy of
 * the package in the process. It looks names up, lists them, registers a user's definition and
 * turns a spec (text or object) or a saved config into the kind's object `B`.
 *
 *   spec ─► parseSpec ─► entry (get / require) ─► values bound and checked ─► bind ─► B
 *
 * @example
 * penaltyCatalog.get('l1')?.formula       // 'Σ|w|'
 * penaltyCatalog.resolve('l1:1e-4')       // a PenaltyRegularizer
 * constraintCatalog.resolve({ name: 'maxnorm', params: { m: 2 } })
 */
export class Catalog<E extends CatalogEntry, B = Binding<E>> {
  private readonly user: Map<string, E>;
  readonly kind: Kind;
  /** Marks the entries made for this catalogue (recognised across copies of the package). */
  readonly brand: Brand;

  constructor(private readonly options: CatalogOptions<E, B>) {
    this.kind = options.kind;
    this.brand = kindBrand(options.kind);
    // Shared through globalThis so that two copies of this module (a user's module importing the
    // package, a test runner's module graph) still see one set of user definitions.
    const key = Symbol.for(`penalty-explorer.catalog.${options.kind}`);
    const g = globalThis as unknown as Record<symbol, Map<string, E> | undefined>;
    this.user = g[key] ??= new Map<string, E>();
    for (const entry of this.list()) options.onAdd?.(entry);
  }

  /** The entry named `name` (built-in or defined in this process), or undefined. */
  get(name: string): E | undefined {
    return Object.hasOwn(this.options.builtins, name) ? this.options.builtins[name] : this.user.get(name);
  }

  /** Built-ins first (in registry order), then user definitions in registration order. */
  list(): E[] {
    return [...Object.values(this.options.builtins), ...this.user.values()];
  }

  /** Every entry's name, in `list()` order. */
  names(): string[] {
    return this.list().map((e) => e.name);
  }

  /** True when `x` is an entry made for this kind (by its `define…` function). */
  isEntry(x: unknown): x is E {
    return this.brand.is(x);
  }

  /**
   * Add a user definition. Defining a name again with the same definition (a module imported
   * twice, by two copies of this package) replaces it; a different definition under a name already
   * defined is refused, so two modules cannot silently shadow each other. A declaration its own
   * bounds refuse is refused too (see `checkDeclaration`).
   */
  register(entry: E): E {
    if (!NAME.test(entry.name)) {
      throw new SpecError(`${this.kind} name '${entry.name}' is not allowed; use letters, digits, '_' or '-', starting with a letter`);
    }
    if (Object.hasOwn(this.options.builtins, entry.name)) {
      throw new SpecError(
        `${this.kind} name '${entry.name}' is taken by a built-in; give yours a name of its own (e.g. 'my${entry.name}'), none of ${Object.keys(this.options.builtins).join(', ')}`,
      );
    }
    this.checkDeclaration(entry);
    const earlier = this.user.get(entry.name);
    if (earlier && fingerprint(earlier) !== fingerprint(entry)) {
      throw new SpecError(`${this.kind} '${entry.name}' is already defined by another module, differently; give each ${this.kind} its own name`);
    }
    this.user.set(entry.name, entry);
    this.options.onAdd?.(entry);
    return entry;
  }

  /**
   * A SpecError unless a definition's own declarations hold: every default within its parameter's
   * bounds, the positional value's default too (a penalty's `defaultStrength`: finite, ≥ 0), and no
   * parameter named as the positional value (`strength`: a saved model keeps both under one key).
   */
  private checkDeclaration(entry: E): void {
    const positional = this.options.positional;
    const pos = positional?.asFirstParam ? undefined : positional?.of(entry);
    const what = `${this.kind} ${entry.name}`;
    if (pos && positional) {
      if (Object.hasOwn(entry.params, positional.name))
        throw new SpecError(
          `${what} declares a parameter '${positional.name}', the name of its ${positional.name} (λ), which is applied outside fn (the spec's value: ${entry.name}:1e-4); ` +
            `leave λ out of fn and drop the parameter, or give it another name`,
        );
      try {
        checkParam(`default ${positional.name}`, pos.default, pos);
      } catch (err) {
        throw new SpecError(`${what}: ${(err as Error).message}`);
      }
    }
    for (const [key, def] of Object.entries(entry.params)) {
      if (typeof (def as Partial<ParamDef> | null)?.default !== 'number')
        throw new SpecError(`${what}: parameter ${key} has no default; declare it as { default: a number, doc: '…' } (bounds optional)`);
      try {
        checkParam(`default of parameter ${key}`, def.default, def);
      } catch (err) {
        throw new SpecError(`${what}: ${(err as Error).message}; give a default within its own bounds`);
      }
    }
  }

  /** The entry of `name`, or a SpecError that lists what is accepted. */
  require(name: string, specText: string = name): E {
    const entry = this.get(name);
    if (entry) return entry;
    // Optimisers are built in only (no module defines one).
    const yours = this.kind === 'optimizer' ? '' : `, or a module of yours (see the README's "Adding a penalty")`;
    throw new SpecError(`unknown ${this.kind} '${name}' in '${specText}'. Accepted: ${this.names().join(', ')}${yours}`);
  }

  /**
   * The kind's object for a spec (`l1:1e-4`, `maxnorm:m=2`, or `{ name, positional, params }`):
   * built-ins and user definitions already defined in this process. A module path is refused:
   * modules are imported by the Node entry's loaders.
   */
  resolve(spec: string | SpecObject): B {
    return this.resolveParsed(typeof spec === 'string' ? parseSpec(spec) : fromObject(spec, this.options.positional?.name ?? 'value'));
  }

  /** `resolve` of a spec already read (a penalty's by `parsePenaltySpec`, its `,prox` taken out: the caller applies it). */
  resolveParsed(parsed: ParsedSpec): B {
    if (isModuleRef(parsed.name)) {
      if (this.kind === 'optimizer') throw new SpecError(`'${parsed.text}' names a module; optimizers are built in: ${this.names().join(', ')}`);
      throw new SpecError(
        `'${parsed.text}' names a module; import it first (penalty-explorer/node: load${this.kind === 'penalty' ? 'Penalty' : this.kind === 'constraint' ? 'Constraint' : 'Spec'})`,
      );
    }
    return this.options.bind(this.binding(this.require(parsed.name, parsed.text), parsed));
  }

  /** The object of a user definition (from a module) bound to a spec, probed on sample values. */
  resolveEntry(entry: E, parsed: ParsedSpec): B {
    const bound = this.options.bind(this.binding(entry, parsed));
    if (!entry.builtin) this.options.probe?.(bound);
    return bound;
  }

  /**
   * The object for values restored from a saved config (`{ strength, ...params }`), checked as a
   * spec's values are: a value out of bounds or not a number (a model file edited, or written by
   * something else) is a SpecError, not a default. A parameter the config lacks takes its default.
   */
  fromConfig(name: string, config: Readonly<Record<string, unknown>>): B {
    const entry = this.require(name);
    const what = `saved ${this.kind} ${name}`;
    const positional = this.options.positional;
    const pos = positional?.asFirstParam ? undefined : positional?.of(entry);
    const values = pickParams(entry.params, config, what);
    let p: number | undefined;
    if (pos && positional) {
      if (!(positional.name in config)) throw new SpecError(`${what} has no ${positional.name} in its config; expected ${describeValue(pos)}`);
      p = configParam(config[positional.name], pos, `${what}: ${positional.name}`) as number;
    }
    const problem = this.options.check?.(entry, values);
    if (problem) throw new SpecError(`${what}: ${problem}`);
    return this.options.bind({ entry, positional: p, params: values, spec: formatSpec(entry.name, p, shown(entry.params, values)) });
  }

  /** Values for a spec: defaults filled in, unknown names and bad values rejected. */
  private binding(entry: E, parsed: ParsedSpec): Binding<E> {
    const positional = this.options.positional;
    const pos = positional?.of(entry);
    let given = parsed.params;
    let value: number | undefined;
    if (parsed.positional !== undefined) {
      if (!pos || !positional) {
        const what = positional ? `no ${positional.name}` : 'key=value parameters only';
        const how = Object.keys(entry.params).length
          ? `e.g. ${entry.name}:${Object.keys(entry.params)[0]}=${formatNumber(Object.values(entry.params)[0]!.default)}`
          : `write just '${entry.name}'`;
        throw new SpecError(`${this.kind} ${entry.name} takes ${what}, got '${parsed.text}'; ${how}`);
      }
      if (positional.asFirstParam) {
        const first = Object.keys(entry.params)[0] as string;
        if (given.some(([k]) => k === first)) throw new SpecError(`spec '${parsed.text}': ${first} is given twice`);
        given = [[first, parsed.positional], ...given];
      } else {
        value = parseNumber(parsed.positional, `${positional.name} of ${entry.name}`);
        try {
          checkParam(`${positional.name} of ${entry.name}`, value, pos);
        } catch {
          throw new SpecError(`${positional.name} of ${entry.name} must be ${describeValue(pos)}, got ${formatNumber(value)} in '${parsed.text}'`);
        }
      }
    } else if (pos && positional && !positional.asFirstParam) value = pos.default;
    const values: Record<string, ParamValue> = {};
    for (const [key, def] of Object.entries(entry.params)) values[key] = defaultValue(def);
    for (const [key, text] of given) {
      const def = entry.params[key];
      if (!def) {
        throw new SpecError(
          `unknown parameter '${key}' for ${this.kind} ${entry.name} in '${parsed.text}'; ${entry.name} accepts: ${describeParams(entry.params)}`,
        );
      }
      values[key] = parseParam(text, def, `${entry.name} parameter ${key}`);
    }
    const problem = this.options.check?.(entry, values as ParamValues);
    if (problem) throw new SpecError(`${problem} in '${parsed.text}'`);
    return { entry, positional: value, params: values as ParamValues, spec: formatSpec(entry.name, value, shown(entry.params, values)) };
  }
}

/**
 * The values a normalised spec shows: all but `quiet` ones at their default, and those whose
 * `overriddenBy` parameter is set (not at its default), which do nothing then.
 *
 * @example
 * // maxnorm's perchannel is quiet, its axis overridden by perchannel:
 * shown(maxnorm.params, { m: 2, axis: [0], perchannel: 0 })   // { m: 2, axis: [0] }    → maxnorm:m=2,axis=0
 * shown(maxnorm.params, { m: 2, axis: [0], perchannel: 1 })   // { m: 2, perchannel: 1 } → maxnorm:m=2,perchannel=1
 */
function shown(defs: ParamDefs, values: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const overridden = (key: string) => {
    const by = defs[key]?.overriddenBy;
    return by !== undefined && defs[by] !== undefined && values[by] !== undefined && formatNumber(values[by]) !== formatNumber(defaultValue(defs[by]));
  };
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => !(defs[k]?.quiet && v === defs[k].default) && !overridden(k)));
}

/** What tells two definitions apart: formula, parameters and the source of their functions. */
function fingerprint(entry: CatalogEntry): string {
  const fns = Object.entries(entry)
    .filter(([, v]) => typeof v === 'function')
    .map(([k, v]) => `${k}:${String(v)}`);
  return JSON.stringify([entry.formula, entry.doc, entry.params, fns]);
}

/** `a finite number ≥ 0` for a declaration. */
function describeValue(def: ParamDef): string {
  const bounds = describeBounds(def);
  return `${def.integer ? 'a whole number' : 'a finite number'}${bounds ? ` ${bounds}` : ''}`;
}

/** A spec object's value as spec text; a SpecError for anything but a number or a list of numbers (from JavaScript, `'0.1'`). */
function objectValue(v: unknown, what: string): string {
  const ok = typeof v === 'number' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'));
  if (!ok) throw new SpecError(`${what} must be a number, got ${JSON.stringify(v) ?? String(v)}`);
  return formatNumber(v as ParamValue);
}

function fromObject(spec: SpecObject, positionalName: string): ParsedSpec {
  const params = Object.entries(spec.params ?? {}).map(([k, v]) => [k, objectValue(v, `${spec.name} parameter ${k}`)] as const);
  const positional = spec.positional === undefined ? undefined : objectValue(spec.positional, `${positionalName} of ${spec.name}`);
  const text = [positional === undefined ? spec.name : `${spec.name}:${positional}`, ...params.map(([k, v]) => `${k}=${v}`)].join(',');
  return { text, name: spec.name, positional, params };
}
