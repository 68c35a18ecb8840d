/**
 * The constraint catalogue (built-ins + user definitions), `defineConstraint` and
 * `constraint(spec)` (a spec to a TF.js constraint).
 */

import { tfjsBound } from '../model/index.ts';
import type { ParamDefs, ParamValues } from '../registry/index.ts';
import { Catalog, checkUserFunction, constraintCheck } from '../registry/index.ts';
import type { Tensor } from '../tf.ts';
import { BUILTIN_CONSTRAINTS } from './builtins.ts';
import { constraintClasses, type PenxConstraint } from './constraint.ts';
import { type ConstraintDefinition, makeConstraintDefinition } from './definition.ts';
import { probeConstraint } from './probe.ts';

/**
 * The constraint catalogue: the built-ins, then the constraints defined in this process
 * (`defineConstraint`). It resolves a spec to a `PenxConstraint` and lists names, parameters and formulas.
 *
 * @example
 * constraintCatalog.names()                  // ['maxnorm', 'nonneg', 'unitnorm', 'minmaxnorm', …yours]
 * constraintCatalog.resolve('maxnorm:m=2')   // a PenxConstraint
 */
export const constraintCatalog: Catalog<ConstraintDefinition, PenxConstraint> = new Catalog<ConstraintDefinition, PenxConstraint>({
  kind: 'constraint',
  builtins: BUILTIN_CONSTRAINTS,
  check: constraintCheck,
  probe: probeConstraint,
  ...tfjsBound(constraintClasses, () => constraintCatalog),
});

/** What `defineConstraint` takes: a name, parameters, the function and, for listings, its formula and doc. */
export interface DefineConstraintOptions<D extends ParamDefs> {
  /** Its name in specs: letters, digits, `_` or `-`, starting with a letter; not a built-in's. */
  readonly name: string;
  /** Its parameters (`key=value` in a spec), each with a default; none when absent. */
  readonly params?: D;
  /** The projected weight, same shape as w. */
  readonly fn: (w: Tensor, params: ParamValues<D>) => Tensor;
  /** Its formula for listings; default `name(w)`. */
  readonly formula?: string;
  /** One line on what it does; default `User-defined constraint name.` */
  readonly doc?: string;
}

/**
 * Define (and register) a constraint: a function of one tensor returning a tensor of the same shape.
 *
 * @example
 * export default defineConstraint({
 *   name: 'clipvalue',
 *   formula: 'clip(w, −c, c)',
 *   params: { c: { default: 0.5, min: 0, doc: 'bound' } },
 *   fn: (w, { c }) => tf.clipByValue(w, -c, c),
 * });
 */
export function defineConstraint<D extends ParamDefs = Record<never, never>>(options: DefineConstraintOptions<D>): ConstraintDefinition {
  checkUserFunction(`constraint ${options.name}`, 'fn', options.fn, '(w, params) => tensor');
  return constraintCatalog.register(
    makeConstraintDefinition(
      options.name,
      {
        formula: options.formula ?? `${options.name}(w)`,
        doc: options.doc ?? `User-defined constraint ${options.name}.`,
        params: options.params ?? ({} as D),
        fn: options.fn,
      },
      false,
    ),
  );
}

/**
 * A constraint from a spec string; built-ins and constraints already defined in this process.
 *
 * @example
 * constraint('minmaxnorm:min=0,max=5,rate=0.1').apply(w);
 */
export function constraint(spec: string): PenxConstraint {
  return constraintCatalog.resolve(spec);
}
