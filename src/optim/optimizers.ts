/**
 * The optimisers, each a chain of transforms, in one catalogue that feeds specs, their errors and
 * the command line's listing. Spec: `name[:key=value,…]`, e.g. `adamw:lr=1e-3,wd=1e-4`.
 */
import { Catalog, named, stamped, type Binding, type CatalogEntry } from '../spec/catalog.ts';
import type { ParamDefs, ParamValues } from '../spec/params.ts';
import { scale } from './clip.ts';
import { addDecayedWeights, scaleByAdadelta, scaleByAdam, scaleByRms, trace } from './scale-by.ts';
import { chain, type GradientTransform } from './transform.ts';

export interface OptimizerEntry extends CatalogEntry {
  readonly build: (p: ParamValues) => GradientTransform;
}

const lr = (d: number) => ({ default: d, above: 0, doc: 'learning rate' });
const eps = { default: 1e-7, above: 0, doc: 'added to the denominator' };
const rate = (d: number, doc: string) => ({ default: d, min: 0, max: 1, doc });

function entry<D extends ParamDefs>(formula: string, doc: string, params: D, build: (p: ParamValues<D>) => GradientTransform): Omit<OptimizerEntry, 'name' | 'builtin'> {
  return { formula, doc, params, build: build as OptimizerEntry['build'] };
}

const ENTRIES = {
  sgd: entry('w ← w − lr·g', 'Plain gradient descent. Example: sgd:lr=0.01', { lr: lr(0.01) }, ({ lr }) => chain(scale(-lr))),
  momentum: entry('v ← m·v + g; w ← w − lr·v', 'SGD with momentum. Example: momentum:lr=0.01,m=0.9', { lr: lr(0.01), m: rate(0.9, 'momentum') }, ({ lr, m }) => chain(trace(m), scale(-lr))),
  adam: entry('w ← w − lr·m̂/(√v̂ + ε)', 'Adam. Example: adam:lr=1e-3', { lr: lr(1e-3), beta1: rate(0.9, 'first-moment decay'), beta2: rate(0.999, 'second-moment decay'), eps }, ({ lr, beta1, beta2, eps }) =>
    chain(scaleByAdam(beta1, beta2, eps), scale(-lr)),
  ),
  adadelta: entry('a ← ρa + (1−ρ)g²; Δ = g·√(d + ε)/√(a + ε); w ← w − lr·Δ', 'Adadelta as in Keras (the reference experiment: lr 1.0, ρ 0.95)', { lr: lr(1), rho: rate(0.95, 'decay'), eps }, ({ lr, rho, eps }) =>
    chain(scaleByAdadelta(rho, eps), scale(-lr)),
  ),
  rmsprop: entry('a ← ρa + (1−ρ)g²; w ← w − lr·g/√(a + ε)', 'RMSprop as in Keras and TF.js. Example: rmsprop:lr=1e-3', { lr: lr(1e-3), rho: rate(0.9, 'decay'), eps }, ({ lr, rho, eps }) => chain(scaleByRms(rho, eps), scale(-lr))),
  adamw: entry('w ← w − lr·(m̂/(√v̂ + ε) + wd·w)', 'Adam with decoupled weight decay, apart from the adaptive step. Example: adamw:lr=1e-3,wd=1e-4', { lr: lr(1e-3), wd: { default: 1e-4, min: 0, doc: 'weight decay' }, beta1: rate(0.9, 'first-moment decay'), beta2: rate(0.999, 'second-moment decay'), eps }, ({ lr, wd, beta1, beta2, eps }) =>
    chain(scaleByAdam(beta1, beta2, eps), addDecayedWeights(wd), scale(-lr)),
  ),
} as const;

export type OptimizerName = keyof typeof ENTRIES;

/** An optimiser bound to its parameters: its normalised spec and its transform chain. */
export interface OptimizerSpec {
  readonly spec: string;
  readonly entry: OptimizerEntry;
  readonly params: ParamValues;
  readonly transform: GradientTransform;
}

function bindOptimizer(b: Binding<OptimizerEntry>): OptimizerSpec {
  return { spec: b.spec, entry: b.entry, params: b.params, transform: b.entry.build(b.params) };
}

export const optimizerCatalog: Catalog<OptimizerEntry, OptimizerSpec> = new Catalog<OptimizerEntry, OptimizerSpec>({
  kind: 'optimizer',
  builtins: named(ENTRIES, (name, e) => stamped('optimizer', { ...e, name, builtin: true })) as Record<OptimizerName, OptimizerEntry>,
  bind: bindOptimizer,
});

/**
 * An optimiser from its spec.
 *
 * @example
 * optimizerSpec('adamw:lr=1e-3,wd=1e-4').transform   // chain(scaleByAdam, addDecayedWeights, scale(−lr))
 */
export function optimizerSpec(text: string): OptimizerSpec {
  return optimizerCatalog.resolve(text);
}
