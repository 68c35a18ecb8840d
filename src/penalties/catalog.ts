/**
 * The penalty catalogue (built-ins + user definitions), `definePenalty` (the one way to add a
 * penalty) and `penalty(spec)` (a spec to a TF.js regularizer).
 */

import { tfjsBound } from '../model/index.ts';
import type { ParamDefs, ParamValues } from '../registry/index.ts';
import { Catalog, checkUserFunction, PENALTY_STRENGTH, parsePenaltySpec } from '../registry/index.ts';
import type { Tensor } from '../tf.ts';
import { BUILTIN_PENALTIES } from './builtins.ts';
import { makePenaltyDefinition, type PenaltyDefinition, type ProximalOperator } from './definition.ts';
import { probePenalty } from './probe.ts';
import { proximalPenalty } from './proximal.ts';
import { type PenaltyRegularizer, regularizerClasses } from './regularizer.ts';

/**
 * The penalty catalogue: the built-ins, then the penalties defined in this process (`definePenalty`).
 * It resolves a spec to a `PenaltyRegularizer` (a bare number is the strength λ) and lists names,
 * parameters and formulas; a saved model's regularizers load back through it.
 *
 * @example
 * penaltyCatalog.names()                          // ['none', 'l1', 'l2', …, 'deadzone', …yours]
 * penaltyCatalog.resolve('deadzone:1e-4,a=0.3')   // a PenaltyRegularizer, λ = 1e-4
 */
export const penaltyCatalog: Catalog<PenaltyDefinition, PenaltyRegularizer> = new Catalog<PenaltyDefinition, PenaltyRegularizer>({
  kind: 'penalty',
  builtins: BUILTIN_PENALTIES,
  positional: PENALTY_STRENGTH,
  probe: probePenalty,
  // A saved proximal penalty (config `prox: true`) loads back in proximal mode.
  ...tfjsBound(regularizerClasses, () => ({
    fromConfig: (name, config) =>
      config['prox'] === true ? proximalPenalty(penaltyCatalog.fromConfig(name, config)) : penaltyCatalog.fromConfig(name, config),
  })),
});

/** What `definePenalty` takes: a name, parameters, φ, and optionally its formula, doc, default strength and proximal operator. */
export interface DefinePenaltyOptions<D extends ParamDefs> {
  /** The name used in specs, legends and saved models. */
  readonly name: string;
  /** Numeric parameters with defaults and bounds, e.g. `{ eps: { default: 0.01, above: 0, doc: 'scale' } }`. */
  readonly params?: D;
  /** φ(w) element-wise (summed for you) or the whole-tensor value (a scalar). No strength inside. */
  readonly fn: (w: Tensor, params: ParamValues<D>) => Tensor;
  /** Formula text for tables and reports, e.g. `Σ log(1 + |w|/eps)`. */
  readonly formula?: string;
  /** One line on what it does; default `User-defined penalty name.` */
  readonly doc?: string;
  /** The strength when a spec gives none (default 1e-4). */
  readonly defaultStrength?: number;
  /** Its proximal operator argmin_x ½(x − w)² + τ·φ(x), element-wise (τ a tensor like w), for the `,prox` mode. */
  readonly prox?: ProximalOperator<ParamValues<D>>;
}

/**
 * Define a penalty and register it in this process under `name` (a built-in's name, or one already
 * defined differently, is refused).
 *
 * Formula: λ·Σᵢ fn(w)ᵢ when `fn` returns φ element-wise (a tensor of w's shape), λ·fn(w) when it
 * returns a scalar; λ is the spec's strength, applied outside `fn`.
 *
 * @example
 * export default definePenalty({
 *   name: 'logsum',
 *   formula: 'Σ log(1 + |w|/eps)',
 *   params: { eps: { default: 0.01, above: 0, doc: 'scale of the log' } },
 *   fn: (w, { eps }) => tf.log1p(tf.div(abs(w), eps)),   // abs from this library
 * });
 * // then, in this process: tf.layers.dense({ units: 32, kernelRegularizer: penalty('logsum:1e-4,eps=0.05') })
 */
export function definePenalty<D extends ParamDefs = Record<never, never>>(options: DefinePenaltyOptions<D>): PenaltyDefinition {
  checkUserFunction(`penalty ${options.name}`, 'fn', options.fn, '(w, params) => tensor');
  checkUserFunction(`penalty ${options.name}`, 'prox', options.prox, '(w, tau, params) => tensor', true);
  return penaltyCatalog.register(
    makePenaltyDefinition(
      options.name,
      {
        formula: options.formula ?? `Σ ${options.name}(w)`,
        doc: options.doc ?? `User-defined penalty ${options.name}.`,
        params: options.params ?? ({} as D),
        fn: options.fn,
        ...(options.defaultStrength === undefined ? {} : { defaultStrength: options.defaultStrength }),
        ...(options.prox ? { prox: options.prox } : {}),
      },
      false,
    ),
  );
}

/** A penalty spec as an object, for library callers: `{ name: 'lp', strength: 1e-4, params: { p: 3 } }`. */
export interface PenaltySpec {
  readonly name: string;
  readonly strength?: number;
  readonly params?: Readonly<Record<string, number>>;
  /** Proximal mode (see `proximalPenalty`), as the spec item `,prox`. */
  readonly prox?: boolean;
}

/**
 * A regularizer from a spec string (`l1:1e-4`, `deadzone:1e-4,a=0.3`) or object; built-ins and
 * penalties already defined in this process (a module path is imported by `loadPenalty` in
 * `penalty-explorer/node`). The item `prox` (`l1:1e-4,prox`) gives the proximal mode
 * (`proximalPenalty`): exact zeros instead of a subgradient.
 *
 * @example
 * const reg = penalty('lp:1e-4,p=3');
 * reg.apply(tf.tensor([-2, 1]));   // 1e-4 · (8 + 1)
 */
export function penalty(spec: string | PenaltySpec): PenaltyRegularizer {
  if (typeof spec === 'string') {
    const parsed = parsePenaltySpec(spec);
    const reg = penaltyCatalog.resolveParsed(parsed);
    return parsed.prox ? proximalPenalty(reg) : reg;
  }
  const reg = penaltyCatalog.resolve({
    name: spec.name,
    ...(spec.strength === undefined ? {} : { positional: spec.strength }),
    ...(spec.params ? { params: spec.params } : {}),
  });
  return spec.prox === true ? proximalPenalty(reg) : reg;
}
