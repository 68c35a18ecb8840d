/**
 * The gradient transforms that can be named in a spec (`clipnorm:1`, `clipvalue:c=0.5`, `zero`),
 * in one catalogue, and `defineGradientTransform` for your own. A spec's bare value is the
 * transform's first parameter: `clipnorm:1` is `clipnorm:c=1`. Their signatures (names, parameters,
 * formulas) are TF.js-free, in registry/transform-signatures.ts; their transforms are here.
 *
 *   clipvalue:c   g ← clip(g, −c, c)
 *   clipnorm:c    g ← g · min(1, c / ‖g‖₂)   (‖g‖ of each weight tensor, as Keras's clipnorm; not
 *                                           the global norm of PyTorch's clip_grad_norm_)
 *   clipglobalnorm:c  gᵢ ← gᵢ · min(1, c / ‖(g₁, …, gₙ)‖₂)   (one factor for every weight a pattern
 *                                           matches, as clip_grad_norm_ and Optax's clip_by_global_norm)
 *   clipl1:c      g ← g · min(1, c / ‖g‖₁)
 *   scale:s       g ← s·g
 *   zero          g ← 0   (to freeze a layer, see `LayerControls.freeze`)
 */

import { SpecError, UserCodeError } from '../errors.ts';
import type { ParamDefs, ParamValues } from '../registry/index.ts';
import {
  Catalog,
  type CatalogEntry,
  checkUserFunction,
  named,
  runUserCode,
  stamped,
  TRANSFORM_SIGNATURES,
  TRANSFORM_VALUE,
  type TransformName,
} from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { clipByGlobalNorm, clipByL1Norm, clipByNorm, clipByValue, fromFunction, scale, zero } from './clip.ts';
import type { GradientTransform } from './transform.ts';

/** A gradient transform in the catalogue: its entry (name, formula, doc, parameters) and how bound values make the transform. */
export interface GradientTransformEntry extends CatalogEntry {
  /** The transform for bound parameter values. */
  readonly make: (params: ParamValues) => GradientTransform;
}

/** A user's transform of one weight's gradient: same shape back. */
export type GradientFunction<P extends ParamValues = ParamValues> = (grad: Tensor, weight: Tensor, name: string, params: P) => Tensor;

/** Each signature's transform, from its bound parameters. */
type Makes = { readonly [K in TransformName]: (p: ParamValues<(typeof TRANSFORM_SIGNATURES)[K]['params']>) => GradientTransform };

const MAKES: Makes = {
  clipvalue: ({ c }) => clipByValue(c),
  clipnorm: ({ c }) => clipByNorm(c),
  clipglobalnorm: ({ c }) => clipByGlobalNorm(c),
  clipl1: ({ c }) => clipByL1Norm(c),
  scale: ({ s }) => scale(s),
  zero: () => zero(),
};

/** Throws a SpecError unless `t` returns a gradient of the same shape on a probe gradient; `what` names it. */
export function probeTransform(t: GradientTransform, what = 'gradient transform'): void {
  const shape = [2, 3];
  let out: unknown;
  try {
    out = tf.tidy(() => {
      const g = tf.ones(shape);
      const [u] = t.update({ 'probe/kernel': g }, t.init({ 'probe/kernel': g }), { 'probe/kernel': g });
      const r = u['probe/kernel'];
      return r instanceof tf.Tensor ? `shape [${r.shape.join()}]` : typeof r;
    });
  } catch (err) {
    const reason = err instanceof UserCodeError ? err.reason : ((err as Error).message ?? String(err));
    throw new SpecError(`${what} threw on a probe gradient of shape [${shape}]: ${reason}`);
  }
  if (out !== `shape [${shape.join()}]`) throw new SpecError(`${what} returned ${out} for a gradient of shape [${shape}]; it must return the gradient's shape`);
}

/**
 * The gradient-transform catalogue: `clipvalue`, `clipnorm`, `clipglobalnorm`, `clipl1`, `scale`, `zero`, then the
 * transforms defined in this process (`defineGradientTransform`). A spec's bare value is the first
 * parameter.
 *
 * @example
 * gradientTransformCatalog.resolve('clipnorm:1')   // clipByNorm(1): each weight's gradient rescaled to an L2 norm ≤ 1
 */
export const gradientTransformCatalog: Catalog<GradientTransformEntry, GradientTransform> = new Catalog<GradientTransformEntry, GradientTransform>({
  kind: 'gradient transform',
  builtins: named(TRANSFORM_SIGNATURES, (name, signature) =>
    stamped('gradient transform', { ...signature, name, builtin: true, make: MAKES[name as TransformName] as GradientTransformEntry['make'] }),
  ),
  positional: TRANSFORM_VALUE,
  bind: (b) => b.entry.make(b.params),
  probe: (t) => probeTransform(t),
});

/** What `defineGradientTransform` takes: a name, parameters, the function of one weight's gradient and, for listings, its formula and doc. */
export interface DefineGradientTransformOptions<D extends ParamDefs> {
  /** Its name in specs: letters, digits, `_` or `-`, starting with a letter; not a built-in's. */
  readonly name: string;
  /** Its parameters (`key=value` in a spec), each with a default; none when absent. */
  readonly params?: D;
  /** The new gradient of one weight, same shape as `grad`. */
  readonly fn: GradientFunction<ParamValues<D>>;
  /** Its formula for listings; default `g ← name(g)`. */
  readonly formula?: string;
  /** One line on what it does; default `User-defined gradient transform name.` */
  readonly doc?: string;
}

/**
 * Define (and register) a gradient transform of one weight's gradient.
 *
 * @example
 * export default defineGradientTransform({
 *   name: 'sign',
 *   formula: 'g ← sign(g)·mean|g|',
 *   fn: (g) => tf.mul(tf.sign(g), tf.mean(tf.abs(g))),
 * });
 */
export function defineGradientTransform<D extends ParamDefs = Record<never, never>>(options: DefineGradientTransformOptions<D>): GradientTransformEntry {
  checkUserFunction(`gradient transform ${options.name}`, 'fn', options.fn, '(grad, weight, name, params) => tensor');
  const fn = options.fn as GradientFunction;
  const entry: GradientTransformEntry = stamped('gradient transform', {
    name: options.name,
    builtin: false,
    formula: options.formula ?? `g ← ${options.name}(g)`,
    doc: options.doc ?? `User-defined gradient transform ${options.name}.`,
    params: options.params ?? {},
    make: (p: ParamValues) =>
      fromFunction((g, w, n) =>
        runUserCode(
          entry,
          (from) => `gradient transform ${options.name} (of ${n})${from}`,
          () => fn(g, w, n, p),
        ),
      ),
  });
  return gradientTransformCatalog.register(entry);
}

/** A gradient transform from its spec, e.g. `clipnorm:1`. */
export function gradientTransform(spec: string): GradientTransform {
  return gradientTransformCatalog.resolve(spec);
}
