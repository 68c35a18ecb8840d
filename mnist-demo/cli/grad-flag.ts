/**
 * `--grad`'s text read and checked without the library (no TF.js): its entries, each item a gradient
 * transform's spec checked against the transforms' signatures (`checkSpec`), or a module path (its
 * module is the action's: ./actions/controls.ts imports and probes it).
 *
 *   --grad 'conv*:clipnorm=1,scale=0.5;dense_2:zero'
 *     ─► [{ pattern: 'conv*', items: ['clipnorm:1', 'scale:0.5'] }, { pattern: 'dense_2', items: ['zero'] }]
 */
import { SpecError, UsageError } from 'penalty-explorer/errors';
import { checkSpec, isModuleRef, specNames } from 'penalty-explorer/spec';
import { layerItems, listItems } from './lists.ts';

/** The `pattern:items` entries of --grad, in order. */
function gradEntries(text: string): Array<{ pattern: string; items: string[] }> {
  return layerItems(text, ';', '--grad', 'conv*:clipnorm=1;dense_2:zero').map((entry) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new UsageError(`--grad: '${entry}' is not pattern:transform, e.g. conv*:clipnorm=1 or dense_2:zero`);
    const pattern = entry.slice(0, colon).trim();
    const items = listItems(entry.slice(colon + 1), `--grad ${pattern}`);
    if (items.length === 0) throw new UsageError(`--grad: '${entry}' names no transform for ${pattern}; give e.g. ${pattern}:clipnorm=1 or ${pattern}:zero`);
    return { pattern, items };
  });
}

/** One --grad item as a transform spec: `clipnorm=1` → `clipnorm:1`; a module path as is. */
function itemSpec(item: string, pattern: string): string {
  if (isModuleRef(item)) return item;
  const [kind = '', value, ...rest] = item.split('=');
  if (!specNames('gradient transform').includes(kind)) {
    throw new SpecError(
      `--grad: unknown transform '${kind}' for ${pattern}; accepted: ${specNames('gradient transform').join(', ')}, or a module path such as ./my-transform.ts`,
    );
  }
  if (rest.length > 0) throw new UsageError(`--grad: '${item}' has more than one '='`);
  return value === undefined ? kind : `${kind}:${value}`;
}

/**
 * `--grad`'s entries, each item as a transform spec (`clipnorm=1` → `clipnorm:1`) or a module path,
 * every spec checked as the transforms' catalogue checks it (a SpecError naming the pattern).
 *
 * @example
 * gradSpecs('conv*:clipnorm=1;dense_2:zero')   // [{ pattern: 'conv*', specs: ['clipnorm:1'] }, { pattern: 'dense_2', specs: ['zero'] }]
 * gradSpecs('conv*:clipnorm=abc')              // SpecError: --grad conv*: clipnorm parameter c must be a number, got 'abc'
 */
export function gradSpecs(text: string): Array<{ pattern: string; specs: string[] }> {
  return gradEntries(text).map(({ pattern, items }) => ({
    pattern,
    specs: items.map((item) => {
      const spec = itemSpec(item, pattern);
      try {
        checkSpec('gradient transform', spec);
      } catch (err) {
        if (err instanceof SpecError) throw new SpecError(`--grad ${pattern}: ${err.message}`);
        throw err;
      }
      return spec;
    }),
  }));
}
