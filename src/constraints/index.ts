/**
 * Constraints: a constraint is a function of one weight tensor returning the projected weight, of
 * the same shape, applied after every optimiser update (TF.js's own fit does not apply them).
 *
 *   defineConstraint({ name, params, fn }) (definition.ts) ─► constraintCatalog (catalog.ts; the
 *   built-ins in builtins.ts) ─► constraint(spec) ─► PenxConstraint (constraint.ts) ─► probed (probe.ts)
 */
export { BUILTIN_CONSTRAINTS, EPSILON, normsAlong } from './builtins.ts';
export { constraint, constraintCatalog, type DefineConstraintOptions, defineConstraint } from './catalog.ts';
export { constraintClasses, PenxConstraint } from './constraint.ts';
export type { ConstraintDefinition } from './definition.ts';
export { probeConstraint } from './probe.ts';
