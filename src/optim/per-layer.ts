/**
 * Per-layer controls from their command-line text, as transforms:
 *
 *   lrMultipliers('conv2d_1=0.1,dense*=2')      updates of matching weights × the factor (every
 *                                              matching pattern's factor multiplies), after the
 *                                              optimiser: exactly a per-layer learning rate
 *   gradTransforms('conv*:clipnorm=1;dense_2:zero')   masked transforms before the optimiser, in order
 *                                              (a kind may be a user module: 'dense_1:./my-transform.ts')
 *   withLayerControls(optimizer, { grad, lrMult }, names)
 *       = chain(gradient transforms, optimizer, learning-rate multipliers, freezes)
 *
 * `zero` freezes: it zeroes the layer's gradient AND its final update, since an optimiser with
 * decoupled weight decay (AdamW) would otherwise still move the weights.
 *
 * Every pattern must match a weight of the model, so a typo is an error, not a silent no-op.
 */
import { SpecError } from '../spec/errors.ts';
import { importDefaultExport } from '../spec/module.ts';
import { isModuleRef } from '../spec/parse.ts';
import { checkParam, parseNumber, type ParamDef } from '../spec/params.ts';
import { clipByL1Norm, clipByNorm, clipByValue, fromFunction, scale, zero } from './clip.ts';
import { matcher } from './names.ts';
import { chain, identity, mapTree, masked, stateless, type GradientTransform } from './transform.ts';
import { tf, type Tensor } from '../tf.ts';

function checkMatches(pattern: string, names: readonly string[], flag: string): void {
  if (!names.some(matcher(pattern))) {
    const layers = [...new Set(names.map((n) => n.split('/')[0]))];
    throw new SpecError(`${flag}: '${pattern}' matches no weight; layers: ${layers.join(', ')} (globs like dense* match a layer or a weight such as conv2d_1/kernel)`);
  }
}

export function lrMultipliers(text: string, names: readonly string[]): GradientTransform {
  const factors: Array<[(n: string) => boolean, number]> = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new SpecError(`--lr-mult: '${item}' is not pattern=factor, e.g. conv2d_1=0.1`);
    const pattern = item.slice(0, eq).trim();
    const factor = parseNumber(item.slice(eq + 1), `--lr-mult factor for ${pattern}`);
    checkParam(`--lr-mult ${pattern}`, factor, { default: 1, min: 0, doc: '' });
    checkMatches(pattern, names, '--lr-mult');
    factors.push([matcher(pattern), factor]);
  }
  return stateless((u) => mapTree(u, (t, name) => tf.mul(t, factors.reduce((f, [m, x]) => (m(name) ? f * x : f), 1))));
}

const GRAD_KINDS: Record<string, { def?: ParamDef; make: (x: number) => GradientTransform }> = {
  clipvalue: { def: { default: 1, above: 0, doc: 'bound' }, make: clipByValue },
  clipnorm: { def: { default: 1, above: 0, doc: 'largest L2 norm' }, make: clipByNorm },
  clipl1: { def: { default: 1, above: 0, doc: 'largest L1 norm' }, make: clipByL1Norm },
  scale: { def: { default: 1, doc: 'factor' }, make: scale },
  zero: { make: () => zero() },
};

/** `--grad` text as entries: a layer pattern and its transform items (`clipnorm=1`, `zero`, `./m.ts`), in order. */
function gradEntries(text: string): Array<{ pattern: string; items: string[] }> {
  return text
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new SpecError(`--grad: '${entry}' is not pattern:transform, e.g. conv*:clipnorm=1 or dense_2:zero`);
      return { pattern: entry.slice(0, colon).trim(), items: entry.slice(colon + 1).split(',').map((i) => i.trim()) };
    });
}

/** The patterns of `--grad` entries that freeze (`zero`). */
function frozenPatterns(text: string): string[] {
  return gradEntries(text)
    .filter((e) => e.items.includes('zero'))
    .map((e) => e.pattern);
}

export interface LayerControls {
  readonly grad?: string;
  readonly lrMult?: string;
}

/** The optimiser with its per-layer controls, in their order. */
export function withLayerControls(optimizer: GradientTransform, controls: LayerControls, names: readonly string[]): GradientTransform {
  const frozen = controls.grad ? frozenPatterns(controls.grad) : [];
  return chain(
    controls.grad ? gradTransforms(controls.grad, names) : identity,
    optimizer,
    controls.lrMult ? lrMultipliers(controls.lrMult, names) : identity,
    frozen.length > 0 ? masked(frozen, zero()) : identity,
  );
}

/** A user's gradient function: `(grad, weight, name) => tensor of grad's shape`. */
export type GradientFunction = (grad: Tensor, weight: Tensor, name: string) => Tensor;

/** User gradient modules loaded by `loadGradModules`, by path as written in `--grad`. */
const userFunctions = new Map<string, GradientFunction>();

/**
 * Import the modules named in `--grad` (`dense_1:./my-transform.ts`), whose default export is a
 * GradientFunction, and probe each on a small tensor; a bad module is a SpecError.
 */
export async function loadGradModules(text: string, cwd = process.cwd()): Promise<void> {
  for (const { items } of gradEntries(text)) {
    for (const item of items) {
      if (!isModuleRef(item) || userFunctions.has(item)) continue;
      const fn = await importDefaultExport(item, cwd, 'gradient transform');
      if (typeof fn !== 'function') throw new SpecError(`gradient transform module '${item}': its default export must be a function (grad, weight, name) => tensor`);
      const g = tf.ones([2, 3]);
      let out: unknown;
      try {
        out = (fn as GradientFunction)(g, g, 'probe/kernel');
      } catch (err) {
        throw new SpecError(`gradient transform module '${item}' threw on a probe tensor of shape [2,3]: ${(err as Error).message}`);
      }
      const shape = out instanceof tf.Tensor ? out.shape : undefined;
      if (!shape || shape.join() !== '2,3') throw new SpecError(`gradient transform module '${item}' returned ${shape ? `shape [${shape}]` : typeof out} for a gradient of shape [2,3]; it must return the gradient's shape`);
      userFunctions.set(item, fn as GradientFunction);
    }
  }
}

/** `pattern:kind[=x][,kind[=x]]` entries separated by `;`; a kind may be a module path (see loadGradModules). */
export function gradTransforms(text: string, names: readonly string[]): GradientTransform {
  const out: GradientTransform[] = [];
  for (const { pattern, items } of gradEntries(text)) {
    checkMatches(pattern, names, '--grad');
    for (const item of items) {
      if (isModuleRef(item)) {
        const fn = userFunctions.get(item);
        if (!fn) throw new SpecError(`--grad: module ${item} is not loaded; call loadGradModules first`);
        out.push(masked(pattern, fromFunction(fn)));
        continue;
      }
      const [kind = '', value] = item.split('=');
      const k = GRAD_KINDS[kind];
      if (!k) throw new SpecError(`--grad: unknown transform '${kind}' for ${pattern}; accepted: ${Object.keys(GRAD_KINDS).join(', ')}, or a module path such as ./my-transform.ts`);
      let x = NaN;
      if (k.def) {
        x = parseNumber(value, `--grad ${pattern} ${kind}`);
        checkParam(`--grad ${pattern} ${kind}`, x, k.def);
      } else if (value !== undefined) throw new SpecError(`--grad: ${kind} takes no value, got '${item}'`);
      out.push(masked(pattern, k.make(x)));
    }
  }
  return chain(...out);
}
