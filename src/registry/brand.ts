/**
 * Brands mark objects made by a `define…` function. They are global symbols, so a definition made
 * by another copy of this package (a user's module resolving its own copy) is still recognised.
 */
export interface Brand {
  readonly symbol: symbol;
  /** True when x carries this brand. */
  is(x: unknown): boolean;
}

/** The brand `name`, keyed by the global symbol `penalty-explorer.<name>`. */
export function brand(name: string): Brand {
  const symbol = Symbol.for(`penalty-explorer.${name}`);
  return { symbol, is: (x) => typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[symbol] === true };
}
