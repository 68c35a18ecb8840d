/**
 * The built-in optimisers' signatures — formula, doc, parameters with their defaults and checks across them — as data
 * (no TF.js), so a figure can name a run's optimiser by what differs from its defaults without
 * loading the optimisers. `optim/optimizers.ts` gives each its transform chain (the compiler
 * checks that every signature has one, and nothing else).
 */
import type { CatalogEntry } from './catalog.ts';
import type { ParamDefs, ParamValues } from './params.ts';

/** What an optimiser is to a listing or a figure: its update formula, a line of doc, its parameters and a check across them. */
export interface OptimizerSignature {
  /** Its update rule, e.g. `w ← w − lr·g`. */
  readonly formula: string;
  readonly doc: string;
  readonly params: ParamDefs;
  /** Checks across parameters (momentum's nesterov=1 needs m > 0): a message when invalid. */
  readonly check?: (params: ParamValues) => string | undefined;
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

/** Nesterov's look-ahead, off by default and then left out of the spec (`momentum:lr=0.01,m=0.9` stays as it was). */
const nesterov = { default: 0, min: 0, max: 1, integer: true, quiet: true, doc: "1: Nesterov momentum, the step g + m·v (PyTorch's nesterov=True)" } as const;

/** The built-in optimisers' signatures by name: sgd, momentum, adam, adadelta, rmsprop, adamw, adagrad. */
export const OPTIMIZER_SIGNATURES = {
  sgd: { formula: 'w ← w − lr·g', doc: 'Plain gradient descent. Example: sgd:lr=0.01', params: { lr: lr(0.01) } },
  momentum: {
    formula: 'v ← m·v + g; w ← w − lr·v (nesterov=1: w ← w − lr·(g + m·v))',
    doc: "SGD with momentum, PyTorch's (dampening 0); nesterov=1 for Nesterov momentum. Example: momentum:lr=0.01,m=0.9 or momentum:lr=0.01,m=0.9,nesterov=1",
    params: { lr: lr(0.01), m: decay(0.9, 'momentum'), nesterov },
    check: (p) =>
      p['nesterov'] === 1 && p['m'] === 0
        ? 'momentum with nesterov=1 needs m > 0 (with m=0 it is plain SGD, and PyTorch refuses it too); give m > 0, e.g. m=0.9, or leave nesterov out'
        : undefined,
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
  adagrad: {
    formula: 'a ← a + g²; w ← w − lr·g/√(a + ε), a from init',
    doc: 'Adagrad as in Keras and TF.js: ε inside the root, the sum of squares starting at init (PyTorch: ε outside, g/(√a + ε), init 0). Example: adagrad:lr=0.01',
    params: { lr: lr(1e-3), init: { default: 0.1, min: 0, doc: 'initial accumulator (sum of squares)' }, eps },
  },
} as const satisfies Readonly<Record<string, OptimizerSignature>>;

/** The name of a built-in optimiser: `sgd`, `momentum`, `adam`, `adadelta`, `rmsprop`, `adamw` or `adagrad`. */
export type OptimizerName = keyof typeof OPTIMIZER_SIGNATURES;

/** An optimiser in a catalogue, as far as a spec needs it: its entry and its check across parameters (none: every value set is fine). */
export interface OptimizerCheckEntry extends CatalogEntry {
  readonly check?: (params: ParamValues) => string | undefined;
}

/** An optimiser's check across its parameters, for its catalogue: a message when invalid. */
export const optimizerCheck = (entry: OptimizerCheckEntry, params: ParamValues): string | undefined => entry.check?.(params);
