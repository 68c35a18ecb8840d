/**
 * The optimisers, each a chain of transforms, in one catalogue that feeds specs, their errors and
 * the command line's listing. Spec: `name[:key=value,…]`, e.g. `adamw:lr=1e-3,wd=1e-4`.
 */
import {
  type Binding,
  Catalog,
  named,
  OPTIMIZER_SIGNATURES,
  type OptimizerCheckEntry,
  type OptimizerName,
  optimizerCheck,
  type ParamValues,
  stamped,
} from '../registry/index.ts';
import { scale } from './clip.ts';
import { addDecayedWeights, scaleByAdadelta, scaleByAdam, scaleByRms, scaleByRss, trace } from './scale-by.ts';
import { chain, type GradientTransform } from './transform.ts';

/** An optimiser in the catalogue: its signature (formula, doc, parameters, check across them) and its transform chain from bound values. */
export interface OptimizerEntry extends OptimizerCheckEntry {
  /** Its transform chain, e.g. adam's `chain(scaleByAdam(β1, β2, ε), scale(−lr))`. */
  readonly build: (p: ParamValues) => GradientTransform;
}

/** Each signature's transform chain, from its bound parameters. */
type Builds = { readonly [K in OptimizerName]: (p: ParamValues<(typeof OPTIMIZER_SIGNATURES)[K]['params']>) => GradientTransform };

const BUILDS: Builds = {
  sgd: ({ lr }) => chain(scale(-lr)),
  momentum: ({ lr, m, nesterov }) => chain(trace(m, nesterov === 1), scale(-lr)),
  adam: ({ lr, beta1, beta2, eps }) => chain(scaleByAdam(beta1, beta2, eps), scale(-lr)),
  adadelta: ({ lr, rho, eps }) => chain(scaleByAdadelta(rho, eps), scale(-lr)),
  rmsprop: ({ lr, rho, eps }) => chain(scaleByRms(rho, eps), scale(-lr)),
  adamw: ({ lr, wd, beta1, beta2, eps }) => chain(scaleByAdam(beta1, beta2, eps), addDecayedWeights(wd), scale(-lr)),
  adagrad: ({ lr, init, eps }) => chain(scaleByRss(init, eps), scale(-lr)),
};

export type { OptimizerName };

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

/**
 * The optimiser catalogue: sgd, momentum, adam, adadelta, rmsprop, adamw, adagrad, built in only (no module
 * defines one). It resolves a spec to an `OptimizerSpec`.
 *
 * @example
 * optimizerCatalog.get('adam')?.params['lr']?.default   // 0.001
 * optimizerCatalog.resolve('sgd:lr=0.1').spec       // 'sgd:lr=0.1'
 */
export const optimizerCatalog: Catalog<OptimizerEntry, OptimizerSpec> = new Catalog<OptimizerEntry, OptimizerSpec>({
  kind: 'optimizer',
  builtins: named(
    OPTIMIZER_SIGNATURES,
    (name, signature): OptimizerEntry =>
      stamped('optimizer', { ...signature, name, builtin: true, build: BUILDS[name as OptimizerName] as OptimizerEntry['build'] }),
  ) as Record<OptimizerName, OptimizerEntry>,
  check: optimizerCheck,
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
