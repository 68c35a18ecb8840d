/**
 * The constraint catalogue (built-ins + user definitions) and `defineConstraint`.
 */
import { Catalog } from '../spec/catalog.ts';
import type { ParamDefs, ParamValues } from '../spec/params.ts';
import type { Tensor } from '../tf.ts';
import { BUILTIN_CONSTRAINTS } from './builtins.ts';
import { registerConstraintClass } from './constraint.ts';
import { makeConstraintDefinition, type ConstraintDefinition } from './definition.ts';

export const constraintCatalog = new Catalog<ConstraintDefinition>('constraint', BUILTIN_CONSTRAINTS);
for (const def of constraintCatalog.list()) registerConstraintClass(def.name, () => def);

export interface DefineConstraintOptions<D extends ParamDefs> {
  readonly name: string;
  readonly params?: D;
  /** The projected weight, same shape as w. */
  readonly fn: (w: Tensor, params: ParamValues<D>) => Tensor;
  readonly formula?: string;
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
  const def = makeConstraintDefinition(
    options.name,
    {
      formula: options.formula ?? `${options.name}(w)`,
      doc: options.doc ?? `User-defined constraint ${options.name}.`,
      params: options.params ?? ({} as D),
      fn: options.fn,
    },
    false,
  );
  constraintCatalog.register(def);
  registerConstraintClass(def.name, () => constraintCatalog.require(def.name, def.name));
  return def;
}
