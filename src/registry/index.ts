/**
 * The registry: one catalogue mechanism behind penalties, constraints, optimisers and gradient
 * transforms, and the spec grammar every one of them is named by. Browser-safe and TF.js-free.
 *
 *   spec text ─► parseSpec (parse.ts) ─► catalogue entry (catalog.ts: built-in, or defined by the user)
 *             ─► values bound (params.ts: defaults, bounds, the number grammar) ─► the kind's object
 *   user definitions' code is called through one door (user-code.ts)
 *   the built-in optimisers' parameters as data (optimizer-signatures.ts), for figures' labels
 */
export { type Binding, Catalog, type CatalogEntry, type Kind, named, type SpecObject, stamped } from './catalog.ts';
export { OPTIMIZER_SIGNATURES, type OptimizerName, type OptimizerSignature } from './optimizer-signatures.ts';
export {
  checkParam,
  describeParams,
  formatNumber,
  numberOrNaN,
  type ParamDef,
  type ParamDefs,
  type ParamValues,
  parseNumber,
  parseRange,
  tfjsCamelCase,
} from './params.ts';
export { formatSpec, isModuleRef, type ParsedSpec, PROX_FLAG, parseSpec, splitSpecList } from './parse.ts';
export { checkUserFunction, noteOrigin, runGuarded, runUserCode, setUserCodeRunner } from './user-code.ts';
