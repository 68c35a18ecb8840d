/**
 * Gradient transforms in the style of Optax: a transform is a pair of pure functions,
 *
 *   init(params)                  → state
 *   update(grads, state, params)  → [updates, state]
 *
 * over maps from weight names (`conv2d_1/kernel`) to tensors. Optimisers are chains of small
 * transforms; `masked` restricts a transform to weights whose names match globs. States are flat
 * maps of tensors, so they can be saved and restored (see TransformOptimizer).
 */
import { type Tensor, tf } from '../tf.ts';
import { matcher } from './names.ts';

/** Tensors by weight name (`conv2d_1/kernel`): the weights, their gradients or their updates. */
export type Tree = Readonly<Record<string, Tensor>>;
/** A transform's state: a flat map of tensors by key (a chain prefixes its members' keys `0/`, `1/`, …). */
export type State = Readonly<Record<string, Tensor>>;

/**
 * A gradient transform (Optax's `GradientTransformation`): `init` makes its state from the weights,
 * `update` maps gradients to updates and returns its next state. The optimiser adds the final
 * updates to the weights: w ← w + u.
 *
 * @example
 * const sgd: GradientTransform = chain(clipByNorm(1), scale(-0.01));   // u = −0.01 · clip(g)
 * const [u, s] = sgd.update(grads, sgd.init(params), params);
 */
export interface GradientTransform {
  /** Its state for these weights (moments at 0, a step counter, … or `{}`). */
  init(params: Tree): State;
  /** The updates for these gradients and its next state; the weights are given for transforms that read them (weight decay). */
  update(grads: Tree, state: State, params: Tree): readonly [Tree, State];
}

/** The same function of each tensor. */
export function mapTree(tree: Tree, f: (t: Tensor, name: string) => Tensor): Tree {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, f(v, k)]));
}

/** A transform without state. */
export function stateless(f: (grads: Tree, params: Tree) => Tree): GradientTransform {
  return { init: () => ({}), update: (g, s, p) => [f(g, p), s] };
}

/**
 * The transform that changes nothing.
 *
 * Formula: u = g
 *
 * @example
 * chain(identity, scale(-0.01))   // plain SGD, lr 0.01
 */
export const identity: GradientTransform = stateless((g) => g);

/** Apply transforms in order; the state is theirs, prefixed `0/`, `1/`, … */
export function chain(...transforms: GradientTransform[]): GradientTransform {
  const split = (state: State, i: number): State => {
    const prefix = `${i}/`;
    return Object.fromEntries(
      Object.entries(state)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  };
  const join = (states: State[]): State => Object.fromEntries(states.flatMap((s, i) => Object.entries(s).map(([k, v]) => [`${i}/${k}`, v])));
  return {
    init: (params) => join(transforms.map((t) => t.init(params))),
    update: (grads, state, params) => {
      let g = grads;
      const next: State[] = [];
      transforms.forEach((t, i) => {
        const [u, s] = t.update(g, split(state, i), params);
        g = u;
        next.push(s);
      });
      return [g, join(next)];
    },
  };
}

/** `inner` on the weights whose names match one of `patterns` (globs); the others pass unchanged. */
export function masked(patterns: string | readonly string[], inner: GradientTransform): GradientTransform {
  const matches = matcher(patterns);
  const pick = (tree: Tree): Tree => Object.fromEntries(Object.entries(tree).filter(([k]) => matches(k)));
  return {
    init: (params) => inner.init(pick(params)),
    update: (grads, state, params) => {
      const [u, s] = inner.update(pick(grads), state, pick(params));
      return [{ ...grads, ...u }, s];
    },
  };
}

/** Element-wise helper for transforms: zeros shaped like each parameter. */
export function zerosLike(params: Tree, prefix: string): State {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [`${prefix}:${k}`, tf.zerosLike(v)]));
}
