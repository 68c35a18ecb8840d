/**
 * The penalty catalogue (built-ins + user definitions), `definePenalty` (the one way to add a
 * penalty) and `penalty(spec)` (a spec to a TF.js regularizer).
 */
import { Catalog } from '../spec/catalog.ts';
import { tfjsBound } from '../spec/tfjs-classes.ts';
import type { ParamDefs, ParamValues } from '../spec/params.ts';
import type { Tensor } from '../tf.ts';
import { BUILTIN_PENALTIES } from './builtins.ts';
import { makePenaltyDefinition, type PenaltyDefinition } from './definition.ts';
import { probePenalty } from './probe.ts';
import { PenaltyRegularizer, regularizerClasses } from './regularizer.ts';

export const penaltyCatalog: Catalog<PenaltyDefinition, PenaltyRegularizer> = new Catalog<PenaltyDefinition, PenaltyRegularizer>({
  kind: 'penalty',
  builtins: BUILTIN_PENALTIES,
  positional: { name: 'strength', of: (e) => (e.takesStrength ? { default: e.defaultStrength, min: 0, doc: 'strength λ' } : undefined) },
  probe: probePenalty,
  ...tfjsBound(regularizerClasses, () => penaltyCatalog),
});

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
  return penaltyCatalog.register(
    makePenaltyDefinition(
      options.name,
      {
        formula: options.formula ?? `Σ ${options.name}(w)`,
        doc: options.doc ?? `User-defined penalty ${options.name}.`,
        params: options.params ?? ({} as D),
        fn: options.fn,
        ...(options.defaultStrength === undefined ? {} : { defaultStrength: options.defaultStrength }),
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
}

/**
 * A regularizer from a spec string (`l1:1e-4`, `deadzone:1e-4,a=0.3`) or object; built-ins and
 * penalties already defined in this process (a module path is imported by `loadPenalty` in
 * `penalty-explorer/node`).
 *
 * @example
 * const reg = penalty('lp:1e-4,p=3');
 * reg.apply(tf.tensor([-2, 1]));   // 1e-4 · (8 + 1)
 */
export function penalty(spec: string | PenaltySpec): PenaltyRegularizer {
  return penaltyCatalog.resolve(
    typeof spec === 'string' ? spec : { name: spec.name, ...(spec.strength === undefined ? {} : { positional: spec.strength }), ...(spec.params ? { params: spec.params } : {}) },
  );
}
