/**
 * The registry: one catalogue mechanism behind penalties, constraints, optimisers and gradient
 * transforms, and the spec grammar every one of them is named by. Browser-safe and TF.js-free.
 *
 *   spec text ─► parseSpec (parse.ts) ─► catalogue entry (catalog.ts: built-in, or defined by the user)
 *             ─► values bound (params.ts: defaults, bounds, the number grammar) ─► the kind's object
 *   user definitions' code is called through one door (user-code.ts)
 *   the built-ins' signatures as data (penalty-, constraint-, transform-, optimizer-signatures.ts), for
 *   figures' labels and for specs checked without TF.js (spec-check.ts: checkSpec)
 */
export { type Binding, Catalog, type CatalogEntry, type Kind, named, type Positional, type SpecObject, stamped } from './catalog.ts';
export {
  type BuiltinConstraintName,
  CONSTRAINT_SIGNATURES,
  type ConstraintEntry,
  type ConstraintSignature,
  constraintCheck,
} from './constraint-signatures.ts';
export { checkLrMult, LR_MULT } from './lr-mult.ts';
export { OPTIMIZER_SIGNATURES, type OptimizerCheckEntry, type OptimizerName, type OptimizerSignature, optimizerCheck } from './optimizer-signatures.ts';
export {
  checkParam,
  describeParams,
  formatFloat32,
  formatNumber,
  numberOrNaN,
  type ParamDef,
  type ParamDefs,
  type ParamValues,
  parseNumber,
  parseRange,
  tfjsCamelCase,
} from './params.ts';
export {
  formatPenaltySpec,
  formatSpec,
  isModuleRef,
  type ParsedPenaltySpec,
  type ParsedSpec,
  PROX_FLAG,
  parsePenaltySpec,
  parseSpec,
  splitSpecList,
} from './parse.ts';
export {
  type BuiltinPenaltyName,
  DEFAULT_STRENGTH,
  lossFormula,
  noProximalOperator,
  PENALTY_SIGNATURES,
  PENALTY_STRENGTH,
  type PenaltyEntry,
  type PenaltySignature,
  penaltyEntry,
} from './penalty-signatures.ts';
export { checkSpec, specNames } from './spec-check.ts';
export { TRANSFORM_SIGNATURES, TRANSFORM_VALUE, type TransformName, type TransformSignature } from './transform-signatures.ts';
export { type CallCode, checkUserFunction, direct, fromModule, noteOrigin, originOf, runGuarded, runUserCode, setUserCodeRunner } from './user-code.ts';
