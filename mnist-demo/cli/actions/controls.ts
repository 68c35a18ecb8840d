/**
 * The command line's grammar for per-layer controls, parsed into the library's structured form:
 *
 *   --lr-mult 'conv2d_1=0.1,dense*=2'                 → lrMult: [{ pattern, factor }]
 *   --grad 'conv*:clipnorm=1,scale=0.5;dense_2:zero'  → grad: [{ pattern, transform }], freeze: ['dense_2']
 *   --grad 'dense_1:./my-transform.ts'                → a user's module (a function of the gradient)
 *
 * Entries of --grad are `pattern:item[,item]` separated by `;`; an item is `kind[=value]` (a
 * gradient transform of the catalogue: clipvalue, clipnorm, clipl1, scale, zero) or a module path.
 * `zero` freezes the layer (its gradient and its update are zeroed).
 */
import {
  checkLrMult,
  type GradControl,
  gradientTransformCatalog,
  isModuleRef,
  type LayerControls,
  type LrMultControl,
  loadGradientTransform,
  parseNumber,
  SpecError,
  UsageError,
} from 'penalty-explorer/node';
import { listItems } from '../lists.ts';

/**
 * The trimmed pieces of `text` between `separator`s (`listItems`: an empty one among others refused
 * by its position); a UsageError when there is none (the flag given, e.g. `--lr-mult ''` or `','`,
 * would change nothing, unsaid).
 */
function pieces(text: string, separator: string, flag: string, example: string): string[] {
  const found = listItems(text, flag, separator);
  if (found.length === 0) throw new UsageError(`${flag} '${text}' names no layer; give e.g. '${example}', or leave ${flag} out`);
  return found;
}

/**
 * `--lr-mult`'s text as learning-rate multipliers; a UsageError naming the item that is not
 * `pattern=factor`, a factor that is not a finite number ≥ 0 refused as `checkLrMult` does.
 *
 * @example
 * parseLrMult('conv2d_1=0.1,dense*=2')   // [{ pattern: 'conv2d_1', factor: 0.1 }, { pattern: 'dense*', factor: 2 }]
 */
export function parseLrMult(text: string): LrMultControl[] {
  return pieces(text, ',', '--lr-mult', 'conv2d_1=0.1,dense*=2').map((item) => {
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--lr-mult: '${item}' is not pattern=factor, e.g. conv2d_1=0.1`);
    const pattern = item.slice(0, eq).trim();
    const control = { pattern, factor: parseNumber(item.slice(eq + 1), `--lr-mult factor for ${pattern}`) };
    checkLrMult(control);
    return control;
  });
}

/** The `pattern:items` entries of --grad, in order. */
function gradEntries(text: string): Array<{ pattern: string; items: string[] }> {
  return pieces(text, ';', '--grad', 'conv*:clipnorm=1;dense_2:zero').map((entry) => {
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
  if (!gradientTransformCatalog.get(kind)) {
    throw new SpecError(
      `--grad: unknown transform '${kind}' for ${pattern}; accepted: ${gradientTransformCatalog.names().join(', ')}, or a module path such as ./my-transform.ts`,
    );
  }
  if (rest.length > 0) throw new UsageError(`--grad: '${item}' has more than one '='`);
  return value === undefined ? kind : `${kind}:${value}`;
}

/** --grad text as gradient controls and freezes; modules are imported and probed. */
export async function parseGrad(text: string): Promise<Pick<LayerControls, 'grad' | 'freeze'>> {
  const grad: GradControl[] = [];
  const freeze: string[] = [];
  for (const { pattern, items } of gradEntries(text)) {
    for (const item of items) {
      if (item === 'zero') {
        freeze.push(pattern);
        continue;
      }
      const spec = itemSpec(item, pattern);
      try {
        grad.push(isModuleRef(spec) ? { pattern, transform: await loadGradientTransform(spec), name: spec } : { pattern, transform: spec });
        if (!isModuleRef(spec)) gradientTransformCatalog.resolve(spec);
      } catch (err) {
        if (err instanceof SpecError) throw new SpecError(`--grad ${pattern}: ${err.message}`);
        throw err;
      }
    }
  }
  return { ...(grad.length ? { grad } : {}), ...(freeze.length ? { freeze } : {}) };
}

/** Both flags as the library's layer controls (undefined when neither is given). */
export async function parseControls(lrMult: string | undefined, grad: string | undefined): Promise<LayerControls | undefined> {
  if (lrMult === undefined && grad === undefined) return undefined;
  return { ...(lrMult !== undefined ? { lrMult: parseLrMult(lrMult) } : {}), ...(grad !== undefined ? await parseGrad(grad) : {}) };
}
