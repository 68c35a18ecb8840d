/**
 * The penalty catalogue (built-ins + user definitions) and `definePenalty`, the one way to add a
 * penalty that then works everywhere a built-in does.
 */
import { Catalog } from '../spec/catalog.ts';
import type { ParamDefs, ParamValues } from '../spec/params.ts';
import type { Tensor } from '../tf.ts';
import { BUILTIN_PENALTIES } from './builtins.ts';
import { makePenaltyDefinition, type PenaltyDefinition } from './definition.ts';
import { registerRegularizerClass } from './regularizer.ts';

export const penaltyCatalog = new Catalog<PenaltyDefinition>('penalty', BUILTIN_PENALTIES);
for (const def of penaltyCatalog.list()) registerRegularizerClass(def.name, () => def);

export interface DefinePenaltyOptions<D extends ParamDefs> {
  /** The name used in specs, legends and saved models. */
  readonly name: string;
  /** Numeric parameters with defaults and bounds, e.g. `{ eps: { default: 0.01, above: 0, doc: 'scale' } }`. */
  readonly params?: D;
  /** φ(w) element-wise (summed for you) or the whole-tensor value (a scalar). No strength inside. */
  readonly fn: (w: Tensor, params: ParamValues<D>) => Tensor;
  /** Formula text for tables and reports, e.g. `Σ log(1 + |w|/eps)`. */
  readonly formula?: string;
  readonly doc?: string;
  /** The strength when a spec gives none (default 1e-4). */
  readonly defaultStrength?: number;
}

/**
 * Define (and register) a penalty.
 *
 * Formula: whatever `fn` computes, summed over the entries of the tensor; the strength is applied outside.
 *
 * @example
 * export default definePenalty({
 *   name: 'logsum',
 *   formula: 'Σ log(1 + |w|/eps)',
 *   params: { eps: { default: 0.01, above: 0, doc: 'scale of the log' } },
 *   fn: (w, { eps }) => tf.log1p(tf.div(abs(w), eps)),   // abs from this library
 * });
 */
export function definePenalty<D extends ParamDefs = Record<never, never>>(options: DefinePenaltyOptions<D>): PenaltyDefinition {
  const def = makePenaltyDefinition(
    options.name,
    {
      formula: options.formula ?? `Σ ${options.name}(w)`,
      doc: options.doc ?? `User-defined penalty ${options.name}.`,
      params: options.params ?? ({} as D),
      fn: options.fn,
      ...(options.defaultStrength === undefined ? {} : { defaultStrength: options.defaultStrength }),
    },
    false,
  );
  penaltyCatalog.register(def);
  // The class looks the name up when a model is loaded, so a re-defined penalty is the one used.
  registerRegularizerClass(def.name, () => penaltyCatalog.require(def.name, def.name));
  return def;
}
