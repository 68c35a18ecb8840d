/**
 * The built-in optimisers' signatures — formula, doc and parameters with their defaults — as data
 * (no TF.js), so a figure can name a run's optimiser by what differs from its defaults without
 * loading the optimisers. `optim/optimizers.ts` gives each its transform chain (the compiler
 * checks that every signature has one, and nothing else).
 */
import type { ParamDefs } from './params.ts';

/** What an optimiser is to a listing or a figure: its update formula, a line of doc and its parameters. */
export interface OptimizerSignature {
  /** Its update rule, e.g. `w ← w − lr·g`. */
  readonly formula: string;
  readonly doc: string;
  readonly params: ParamDefs;
}

const lr = (d: number) => ({ default: d, above: 0, doc: 'learning rate' });
const eps = { default: 1e-7, above: 0, doc: 'added to the denominator' };
/**
 * A running average's decay, below 1: with 1 the average never leaves its start (RMSprop's and
 * Adadelta's a stays 0, so their steps become g/√ε and plain SGD; momentum's v sums every gradient
 * ever seen).
 */
const decay = (d: number, doc: string) => ({ default: d, min: 0, below: 1, doc });
/** Adam's moment decays: β = 1 would divide by its bias correction 1 − βᵗ = 0 (NaN weights on the first step). */
const beta = decay;

/** The built-in optimisers' signatures by name: sgd, momentum, adam, adadelta, rmsprop, adamw. */
export const OPTIMIZER_SIGNATURES = {
  sgd: { formula: 'w ← w − lr·g', doc: 'Plain gradient descent. Example: sgd:lr=0.01', params: { lr: lr(0.01) } },
  momentum: {
    formula: 'v ← m·v + g; w ← w − lr·v',
    doc: 'SGD with momentum. Example: momentum:lr=0.01,m=0.9',
    params: { lr: lr(0.01), m: decay(0.9, 'momentum') },
  },
  adam: {
    formula: 'w ← w − lr·m̂/(√v̂ + ε)',
    doc: 'Adam. Example: adam:lr=1e-3',
    params: { lr: lr(1e-3), beta1: beta(0.9, 'first-moment decay'), beta2: beta(0.999, 'second-moment decay'), eps },
  },
  adadelta: {
    formula: 'a ← ρa + (1−ρ)g²; Δ = g·√(d + ε)/√(a + ε); w ← w − lr·Δ',
    doc: 'Adadelta as in Keras (the reference experiment: lr 1.0, ρ 0.95)',
    params: { lr: lr(1), rho: decay(0.95, 'decay'), eps },
  },
  rmsprop: {
    formula: 'a ← ρa + (1−ρ)g²; w ← w − lr·g/√(a + ε)',
    doc: 'RMSprop as in Keras and TF.js: ε inside the root (PyTorch adds it outside, g/(√a + ε)). Example: rmsprop:lr=1e-3',
    params: { lr: lr(1e-3), rho: decay(0.9, 'decay'), eps },
  },
  adamw: {
    formula: 'w ← w − lr·(m̂/(√v̂ + ε) + wd·w)',
    doc: 'Adam with decoupled weight decay, apart from the adaptive step. Example: adamw:lr=1e-3,wd=1e-4',
    params: {
      lr: lr(1e-3),
      wd: { default: 1e-4, min: 0, doc: 'weight decay' },
      beta1: beta(0.9, 'first-moment decay'),
      beta2: beta(0.999, 'second-moment decay'),
      eps,
    },
  },
} as const satisfies Readonly<Record<string, OptimizerSignature>>;

/** The name of a built-in optimiser: `sgd`, `momentum`, `adam`, `adadelta`, `rmsprop` or `adamw`. */
export type OptimizerName = keyof typeof OPTIMIZER_SIGNATURES;
