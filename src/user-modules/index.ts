/**
 * A user's modules, named in specs (`./my-penalty.ts:1e-4`) or options (Node only): imported
 * (TypeScript through tsx, an optional peer), their default export checked to be a definition of
 * the expected kind, bound to the spec and probed; and user code guarded so Ctrl-C interrupts it.
 *
 *   path ─► import.ts (exactly that file; tsx for TypeScript) ─► default export ─► loaders.ts (penalty,
 *   constraint, gradient transform) ─► the catalogue's object, probed; (monitor) ─► the monitor, checked
 *   guard.ts: every call of user code in a `vm` script with breakOnSigint
 */

export { guardUserCode, holdSigint } from './guard.ts';
export { importClassModules, importDefaultExport, importedModules, importUserModule, loadSpec, moduleWithExtension } from './import.ts';
export { loadConstraint, loadGradientTransform, loadMonitor, loadPenalty } from './loaders.ts';
