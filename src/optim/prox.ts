/**
 * The proximal step, as a transform around an optimiser (Optax style): after the optimiser's
 * update u, each weight with a proximal penalty is moved to
 *
 *   w ← prox(w + u, τ),   τ = λ·η   (element-wise)
 *
 * where prox is the penalty's proximal operator (L1: the soft threshold sign(w)·max(0, |w| − τ),
 * which gives exact zeros) and η is the step size that weight just took: the part of the update
 * that follows this step's gradient g, per unit of it,
 *
 *   η = |u(g) − u(−g)| / (2|g|)   where g ≠ 0 (the odd part of the update in g)
 *   η = |u(g) − u(−g̃)|           where g = 0, g̃ = g + [g = 0] (the slope of the update between
 *                                 no gradient and a unit one)
 *
 * It costs one more run of the optimiser's pure `update` on the same state, over every weight's
 * gradient (a transform of several weights, clipglobalnorm, must see them all), two for a weight
 * with zeros in its gradient (a transform of the whole tensor, clipnorm, must see −g itself for the
 * odd part, and g̃ for the zeros); with momentum (or Adam's
 * first moment) both updates carry the same history term, so η is exact up to float32 rounding of
 * that term (relative error ≈ 1e-7·|history| / |g|). For the built-in optimisers: SGD and momentum
 * η = lr (so SGD + prox is exactly ISTA), Nesterov momentum lr·(1 + m); RMSprop, Adadelta and Adagrad
 * η = |u| / |g|, their own per-weight step (lr/√(a + ε), lr·√(d + ε)/√(a + ε), lr/√(a + ε)); Adam and AdamW η = lr·(1 − β1)/(1 − β1ᵗ)/(√v̂ + ε)
 * (AdamW's decay does not change sign with g, so it is not in η). These closed forms hold for g ≠ 0:
 * where g = 0 the unit probe also enters v̂ (RMSprop's and Adadelta's a), so η is smaller than the
 * limit g → 0 (Adam: |u(0) − u(−1)|, up to hundreds of times), and where |g| ≲ 1e-7·|history| the
 * two updates round alike and η is 0 that step. Per-layer learning-rate multipliers scale η;
 * frozen weights get η = 0 and so are not thresholded.
 *
 * @example
 * const opt = optimizerFor(model, proximal(optimizerSpec('sgd:lr=0.1').transform, { 'dense_1/kernel': { strength: 1e-3, prox: softThreshold } }));
 */
import { type Tensor, tf } from '../tf.ts';
import { type GradientTransform, mapTree, type Tree } from './transform.ts';

/** What the proximal step needs for one weight: the penalty's strength λ and its proximal operator. */
export interface ProxTerm {
  readonly strength: number;
  /** argmin_x ½(x − w)² + τ·φ(x), element-wise; τ has w's shape. */
  readonly prox: (w: Tensor, tau: Tensor) => Tensor;
}

/** Weight name (`dense_1/kernel`) → its proximal term. */
export type ProxTerms = Readonly<Record<string, ProxTerm>>;

/**
 * η of every weight in `updates` (its update u(g) by `inner` at `state`): |u(g) − u(−g̃)| / (|g| + |g̃|),
 * g̃ = g where g ≠ 0, else 1. The state is not advanced. Where g ≠ 0 the probe is −g itself, so a
 * transform of the whole tensor (clipnorm) scales it as it scaled g; a weight with zeros in its
 * gradient takes a second run of `inner` for them, with g̃ (one download says which weights).
 */
export function stepSizes(inner: GradientTransform, grads: Tree, state: Tree, params: Tree, updates: Tree): Tree {
  const names = Object.keys(updates);
  if (names.length === 0) return {};
  return tf.tidy(() => {
    const g = Object.fromEntries(names.map((n) => [n, grads[n] as Tensor]));
    /**
     * |u(g) − u(−p)| / (|g| + |p|) for the weights `of`, from the probes p. `inner` is given every
     * gradient (the others' own, negated too), so a transform of several weights at once
     * (clipglobalnorm) takes its norm over the same weights as for u(g).
     */
    const slopes = (of: readonly string[], probe: (n: string) => Tensor): Tree => {
      const probes = Object.fromEntries(of.map((n) => [n, probe(n)]));
      const [opposite] = inner.update(
        mapTree({ ...grads, ...probes }, (p) => tf.neg(p)),
        state,
        params,
      );
      return mapTree(probes, (p, n) => tf.div(tf.abs(tf.sub(updates[n] as Tensor, opposite[n] as Tensor)), tf.add(tf.abs(g[n] as Tensor), tf.abs(p))));
    };
    // [g = 0] with fast kernels: 1 − step(|g|) is 1 exactly where g = 0.
    const zero = mapTree(g, (t) => tf.sub(1, tf.step(tf.abs(t))));
    const hasZero = tf.stack(names.map((n) => tf.max(zero[n] as Tensor))).dataSync();
    const withZeros = names.filter((_, i) => (hasZero[i] ?? 0) > 0);
    const odd = slopes(names, (n) => g[n] as Tensor);
    if (withZeros.length === 0) return odd;
    const unit = slopes(withZeros, (n) => tf.add(g[n] as Tensor, zero[n] as Tensor));
    return { ...odd, ...mapTree(unit, (t, n) => tf.where(tf.equal(g[n] as Tensor, 0), t, odd[n] as Tensor)) };
  });
}

/** `inner`, then the proximal step of every weight named in `terms` (see the file's comment). */
export function proximal(inner: GradientTransform, terms: ProxTerms): GradientTransform {
  return {
    init: (params) => inner.init(params),
    update: (grads, state, params) => {
      const [u, next] = inner.update(grads, state, params);
      const names = Object.keys(terms).filter((n) => n in grads && n in params);
      if (names.length === 0) return [u, next];
      const eta = stepSizes(inner, grads, state, params, Object.fromEntries(names.map((n) => [n, u[n] as Tensor])));
      const out: Record<string, Tensor> = { ...u };
      for (const n of names) {
        const term = terms[n] as ProxTerm;
        const w = params[n] as Tensor;
        out[n] = tf.tidy(() => tf.sub(term.prox(tf.add(w, u[n] as Tensor), tf.mul(eta[n] as Tensor, term.strength)), w));
      }
      tf.dispose(Object.values(eta));
      return [out, next];
    },
  };
}
