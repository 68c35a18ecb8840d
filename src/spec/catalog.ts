/**
 * A catalogue of named entries (penalties or constraints): the built-ins, fixed at load time,
 * plus user definitions registered at run time. It is the single source of names, parameters,
 * defaults and formula text that the spec parser, deserialisation, `penx penalties` and every
 * error message read.
 */
import { SpecError } from './errors.ts';
import type { ParsedSpec } from './parse.ts';
import { checkParam, describeParams, parseNumber, type ParamDefs, type ParamValues } from './params.ts';

export interface CatalogEntry {
  readonly name: string;
  /** The formula over the entries w of one tensor, e.g. `Σ|w|`. */
  readonly formula: string;
  readonly doc: string;
  readonly params: ParamDefs;
  readonly builtin: boolean;
}

const NAME = /^[a-z][a-z0-9_-]*$/i;

/** A registry from bodies keyed by name: `make(name, body)` for each. */
export function named<B, E>(bodies: Readonly<Record<string, B>>, make: (name: string, body: B) => E): Record<string, E> {
  return Object.fromEntries(Object.entries(bodies).map(([name, body]) => [name, make(name, body)]));
}

export class Catalog<E extends CatalogEntry> {
  private readonly user: Map<string, E>;

  constructor(
    readonly kind: 'penalty' | 'constraint' | 'optimizer',
    private readonly builtins: Readonly<Record<string, E>>,
  ) {
    // Shared through globalThis so that two copies of this module (a user's module importing the
    // package, a test runner's module graph) still see one set of user definitions.
    const key = Symbol.for(`penalty-explorer.catalog.${kind}`);
    const g = globalThis as unknown as Record<symbol, Map<string, E> | undefined>;
    this.user = g[key] ??= new Map<string, E>();
  }

  get(name: string): E | undefined {
    return Object.hasOwn(this.builtins, name) ? this.builtins[name] : this.user.get(name);
  }

  /** Built-ins first (in registry order), then user definitions in registration order. */
  list(): E[] {
    return [...Object.values(this.builtins), ...this.user.values()];
  }

  names(): string[] {
    return this.list().map((e) => e.name);
  }

  /** Register a user definition; a later definition of the same user name replaces the earlier one. */
  register(entry: E): void {
    if (!NAME.test(entry.name)) {
      throw new SpecError(`${this.kind} name '${entry.name}' is not allowed; use letters, digits, '_' or '-', starting with a letter`);
    }
    if (Object.hasOwn(this.builtins, entry.name)) {
      throw new SpecError(`${this.kind} name '${entry.name}' is taken by a built-in; built-ins: ${Object.keys(this.builtins).join(', ')}`);
    }
    this.user.set(entry.name, entry);
  }

  /** The entry named by a spec, or a SpecError that lists what is accepted. */
  require(name: string, specText: string): E {
    const entry = this.get(name);
    if (entry) return entry;
    const module = this.kind === 'optimizer' ? '' : `, or a module path such as ./my-${this.kind}.ts${this.kind === 'penalty' ? ':1e-4' : ''}`;
    throw new SpecError(`unknown ${this.kind} '${name}' in '${specText}'. Accepted: ${this.names().join(', ')}${module}`);
  }

  /** Parameter values for a spec: defaults filled in, unknown names and bad values rejected. */
  bindParams(entry: E, parsed: ParsedSpec, given: ReadonlyArray<readonly [string, string]> = parsed.params): ParamValues {
    const values: Record<string, number> = {};
    for (const [key, def] of Object.entries(entry.params)) values[key] = def.default;
    for (const [key, text] of given) {
      const def = entry.params[key];
      if (!def) {
        throw new SpecError(
          `unknown parameter '${key}' for ${this.kind} ${entry.name} in '${parsed.text}'; ${entry.name} accepts: ${describeParams(entry.params)}`,
        );
      }
      const value = parseNumber(text, `${entry.name} parameter ${key}`);
      checkParam(`${entry.name} parameter ${key}`, value, def);
      values[key] = value;
    }
    return values;
  }
}
