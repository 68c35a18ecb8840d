/**
 * The spec grammar and the number grammar, alone (also in the core; browser-safe): reading text
 * loads no TF.js, so an app reading text (a command line, a form) checks it before the library starts
 * (`penalty-explorer/spec`, which loads nothing else but the error classes). With them, the rule
 * for a run folder's name (`checkRunName`, and `runNameProblem` saying what is wrong without
 * throwing; folder-names.ts; also in `penalty-explorer/node`).
 *
 *   'deadzone:1e-4,a=0.25' ─► parseSpec ─► { name: 'deadzone', positional: '1e-4', params: [['a', '0.25']] }
 *   'none,deadzone:1e-4,a=0.3' ─► splitSpecList ─► ['none', 'deadzone:1e-4,a=0.3']
 *   '1e-4' ─► parseNumber ─► 0.0001   ('0x10', '', '1e-400': a SpecError)
 *   { pattern: 'conv*', factor: -1 } ─► checkLrMult ─► SpecError (a learning-rate multiplier is ≥ 0)
 *   'l1:-3' ─► checkSpec('penalty', …) ─► SpecError, as the penalty catalogue would say it (names and
 *     parameter rules from the built-ins' signatures: registry/*-signatures.ts)
 *   PENALTY_SIGNATURES.l1l2 ─► lossFormula ─► 'λ·(l1·Σ|w| + l2·Σw²)' (a built-in penalty's formula, as a catalogue shows it)
 *   CONSTRAINT_SIGNATURES.maxnorm.params ─► describeParams ─► 'm=2 (≥ 0), axis=0 (…), perchannel=0 (…)' (the
 *     built-ins' signatures, and penaltyEntry's defaults, for tables of the catalogues, e.g. the app's `penx penalties`)
 *
 * @example
 * import { parseNumber } from 'penalty-explorer/spec';
 * parseNumber('2.5e-3', 'lr')   // 0.0025
 * checkRunName('../x')   // UsageError: run name '../x' contains a path separator; …
 */
export { checkRunName, runNameProblem } from './folder-names.ts';
export {
  type BuiltinConstraintName,
  type BuiltinPenaltyName,
  CONSTRAINT_SIGNATURES,
  checkLrMult,
  checkSpec,
  describeParams,
  formatNumber,
  formatPenaltySpec,
  formatSpec,
  isModuleRef,
  type Kind,
  lossFormula,
  OPTIMIZER_SIGNATURES,
  type OptimizerName,
  type ParsedPenaltySpec,
  type ParsedSpec,
  PENALTY_SIGNATURES,
  type PenaltyEntry,
  PROX_FLAG,
  parseNumber,
  parsePenaltySpec,
  parseSpec,
  penaltyEntry,
  specNames,
  splitSpecList,
  TRANSFORM_SIGNATURES,
} from './registry/index.ts';
