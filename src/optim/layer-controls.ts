/**
 * Per-layer controls, as transforms around the optimiser:
 *
 *   withLayerControls(optimizer, { grad, lrMult, freeze }, names)
 *     = chain(gradient transforms (masked, in order), optimizer, learning-rate multipliers, freezes)
 *
 * - `grad`: each entry's transform on the gradients of the weights its pattern matches, before
 *   the optimiser (a transform, or a spec such as `clipnorm:1`).
 * - `lrMult`: the optimiser's *update* of matching weights × the factor (every matching pattern's
 *   factor multiplies): exactly a per-layer learning rate, whatever the optimiser.
 * - `freeze`: matching weights do not move: gradient and final update zeroed (an optimiser with
 *   decoupled weight decay, AdamW, would otherwise still move them).
 *
 * Patterns are globs over weight names (`conv2d_1/kernel`) or layer names (`conv2d_1`, `dense*`).
 * Every pattern must match a weight of the model, so a typo is an error, not a silent no-op.
 *
 * @example
 * withLayerControls(optimizerSpec('adam').transform, {
 *   grad: [{ pattern: 'conv*', transform: 'clipnorm:1' }],
 *   lrMult: [{ pattern: 'conv2d_1', factor: 0.1 }],
 *   freeze: ['dense_2'],
 * }, weightNames(model));
 */
import { UsageError } from '../errors.ts';
import { checkLrMult, formatNumber } from '../registry/index.ts';
import { tf } from '../tf.ts';
import { zero } from './clip.ts';
import { gradientTransform } from './gradient-transforms.ts';
import { matcher } from './names.ts';
import { chain, type GradientTransform, identity, mapTree, masked, stateless } from './transform.ts';

/** A gradient transform on the weights a pattern matches, before the optimiser. */
export interface GradControl {
  /** A glob over weight names (`conv2d_1/kernel`) or layer names (`conv*`). */
  readonly pattern: string;
  /** A transform, or a gradient-transform spec such as `clipnorm:1`. */
  readonly transform: GradientTransform | string;
  /** How a run record names a transform given as an object (e.g. its module path); default `custom`. */
  readonly name?: string;
}

/** A learning-rate multiplier: the optimiser's update of the weights a pattern matches × factor. */
export interface LrMultControl {
  /** A glob over weight names or layer names. */
  readonly pattern: string;
  /** A finite number ≥ 0 (0 stops the matching weights). */
  readonly factor: number;
}

/** Per-layer controls for `withLayerControls`: gradient transforms, learning-rate multipliers and frozen weights, by pattern. */
export interface LayerControls {
  /** Transforms of matching weights' gradients, in order, before the optimiser. */
  readonly grad?: readonly GradControl[];
  /** Factors on matching weights' updates (every matching pattern's factor multiplies). */
  readonly lrMult?: readonly LrMultControl[];
  /** Patterns of weights that do not move. */
  readonly freeze?: readonly string[];
}

/** How the weight names given `withLayerControls` were made: what its refusals say of them. */
export interface WeightNaming {
  /**
   * The layers named in TF.js's form (`dense_Dense1`) are counted in the model (attachToKernels'
   * `countNames`), the same in every build; default false: counted across the process, as TF.js does.
   */
  readonly counted?: boolean;
}

/** A layer name TF.js made itself (`dense_Dense5`: its class, numbered by a counter of the whole process). */
const AUTO_NAME = /^[a-z0-9]+(_[a-z0-9]+)*_[A-Z][A-Za-z0-9]*?\d+$/;

/**
 * What a refusal adds on names in TF.js's form: counted across the process, that they change with
 * every model built; counted in the model, the model's such names and whether the pattern's layer part
 * has that form (a name as built in a session that made other layers first: `dense_Dense7` for `dense_Dense1`).
 */
function autoNameHint(pattern: string, layers: readonly string[], naming: WeightNaming): string {
  const auto = layers.filter((l) => AUTO_NAME.test(l));
  // Such a name changes with every model built (a trial model, each run of a comparison).
  if (!naming.counted)
    return auto[0]
      ? `; names TF.js numbers itself, such as ${auto[0]}, change with every model built: match them with a glob (${auto[0].split('_')[0]}*) or name the layers`
      : '';
  const theirs = pattern.split('/')[0]!;
  const named = auto.length ? `; the layers in TF.js's name form are named by their count in this model, the same in every build: ${auto.join(', ')}` : '';
  const form = AUTO_NAME.test(theirs)
    ? `; the pattern's ${theirs} has that form, as counted across a process (where other layers were made before it): give its count in this model`
    : '';
  return `${named}${form}`;
}

function checkMatches(pattern: string, names: readonly string[], what: string, naming: WeightNaming): void {
  if (!names.some(matcher(pattern))) {
    const layers = [...new Set(names.map((n) => n.split('/')[0]!))];
    throw new UsageError(
      `${what} pattern '${pattern}' matches no weight; layers: ${layers.join(', ')} (globs like dense* match a layer or a weight such as conv2d_1/kernel)${autoNameHint(pattern, layers, naming)}`,
    );
  }
}

/** The optimiser's updates of matching weights × their factors. */
function lrMultipliers(controls: readonly LrMultControl[], names: readonly string[], naming: WeightNaming): GradientTransform {
  const factors = controls.map(({ pattern, factor }) => {
    checkLrMult({ pattern, factor });
    checkMatches(pattern, names, 'learning-rate multiplier', naming);
    return [matcher(pattern), factor] as const;
  });
  return stateless((u) =>
    mapTree(u, (t, name) =>
      tf.mul(
        t,
        factors.reduce((f, [m, x]) => (m(name) ? f * x : f), 1),
      ),
    ),
  );
}

/** The optimiser with its per-layer controls, in their order; `naming` says how `names` were made (for a refusal's words). */
export function withLayerControls(
  optimizer: GradientTransform,
  controls: LayerControls,
  names: readonly string[],
  naming: WeightNaming = {},
): GradientTransform {
  const grads = (controls.grad ?? []).map(({ pattern, transform }) => {
    checkMatches(pattern, names, 'gradient transform', naming);
    return masked(pattern, typeof transform === 'string' ? gradientTransform(transform) : transform);
  });
  const frozen = controls.freeze ?? [];
  for (const pattern of frozen) checkMatches(pattern, names, 'freeze', naming);
  // A frozen weight gets no gradient in, and no update out.
  const freeze = frozen.length > 0 ? masked(frozen, zero()) : identity;
  return chain(freeze, ...grads, optimizer, controls.lrMult?.length ? lrMultipliers(controls.lrMult, names, naming) : identity, freeze);
}

/** The controls as text for a run record: `conv2d_1=0.1,dense*=2`, `conv*:clipnorm:1;dense_1:custom`, `dense_2`. */
export function describeLayerControls(controls: LayerControls): { lrMult?: string; grad?: string; freeze?: string } {
  const out: { lrMult?: string; grad?: string; freeze?: string } = {};
  if (controls.lrMult?.length) out.lrMult = controls.lrMult.map((c) => `${c.pattern}=${formatNumber(c.factor)}`).join(',');
  if (controls.grad?.length)
    out.grad = controls.grad.map((c) => `${c.pattern}:${typeof c.transform === 'string' ? c.transform : (c.name ?? 'custom')}`).join(';');
  if (controls.freeze?.length) out.freeze = controls.freeze.join(',');
  return out;
}
