/**
 * The registry: one catalogue mechanism behind penalties, constraints, optimisers and gradient
 * transforms, and the spec grammar every one of them is named by. Browser-safe and TF.js-free.
 *
 *   spec text ─► parseSpec (parse.ts) ─► catalogue entry (catalog.ts: built-in, or defined by the user)
 *             ─► values bound (params.ts: defaults, bounds, the number grammar) ─► the kind's object
 *   user definitions' code is called through one door (user-code.ts)
 *   the built-in optimisers' parameters as data (optimizer-signatures.ts), for figures' labels
 */
export { Catalog, named, stamped, type Binding, type CatalogEntry, type Kind, type SpecObject } from './catalog.ts';
export { checkParam, describeParams, formatNumber, numberOrNaN, parseNumber, parseRange, tfjsCamelCase, type ParamDef, type ParamDefs, type ParamValues } from './params.ts';
export { noteOrigin, runUserCode, setUserCodeRunner } from './user-code.ts';
export { formatSpec, isModuleRef, parseSpec, PROX_FLAG, splitSpecList, type ParsedSpec } from './parse.ts';
export { OPTIMIZER_SIGNATURES, type OptimizerName, type OptimizerSignature } from './optimizer-signatures.ts';
