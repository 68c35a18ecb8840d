/**
 * From a spec (`maxnorm:m=2`, `minmaxnorm:min=0,max=5,rate=0.1`, `./my-constraint.ts:c=1`) to a
 * TF.js constraint. `loadConstraint` also imports module paths and probes the result.
 */
import { tf } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import { importDefaultExport } from '../spec/module.ts';
import { isModuleRef, parseSpec, type ParsedSpec } from '../spec/parse.ts';
import { constraintCatalog } from './catalog.ts';
import { createConstraint, type PenxConstraint } from './constraint.ts';
import { isConstraintDefinition, type ConstraintDefinition } from './definition.ts';

/**
 * A constraint from a spec string.
 *
 * @example
 * constraint('minmaxnorm:min=0,max=5,rate=0.1').apply(w);
 */
export function constraint(spec: string): PenxConstraint {
  const parsed = parseSpec(spec);
  if (isModuleRef(parsed.name)) {
    throw new SpecError(`'${spec}' names a module; use await loadConstraint('${spec}') to import it`);
  }
  return bind(constraintCatalog.require(parsed.name, spec), parsed);
}

/** Like `constraint()`, but also imports a module path and probes the result. */
export async function loadConstraint(spec: string, options: { cwd?: string } = {}): Promise<PenxConstraint> {
  const parsed = parseSpec(spec);
  if (!isModuleRef(parsed.name)) return constraint(spec);
  const exported = await importDefaultExport(parsed.name, options.cwd ?? process.cwd(), 'constraint');
  if (!isConstraintDefinition(exported)) {
    throw new SpecError(`constraint module '${parsed.name}': its default export is not made by defineConstraint({ name, params, fn })`);
  }
  const c = bind(exported, parsed);
  probeConstraint(c);
  return c;
}

function bind(def: ConstraintDefinition, parsed: ParsedSpec): PenxConstraint {
  if (parsed.positional !== undefined) {
    throw new SpecError(`constraint ${def.name} takes key=value parameters only, got '${parsed.positional}' in '${parsed.text}'`);
  }
  const params = constraintCatalog.bindParams(def, parsed);
  const problem = def.check(params);
  if (problem) throw new SpecError(`${problem} in '${parsed.text}'`);
  return createConstraint(def, params);
}

/** Throws a SpecError if the constraint throws or returns a wrong shape or non-finite values on a probe tensor. */
export function probeConstraint(c: PenxConstraint): void {
  let finite: boolean;
  try {
    finite = tf.tidy(() => c.apply(tf.randomNormal([3, 3, 2, 4], 0, 0.5, 'float32', 1)).dataSync().every(Number.isFinite));
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError(`constraint ${c.definition.name} threw on a probe tensor of shape [3,3,2,4]: ${(err as Error).message ?? String(err)}`);
  }
  if (!finite) throw new SpecError(`constraint ${c.definition.name} returned non-finite values on a probe tensor`);
}
