/**
 * Penalties: a penalty is a pure function of one weight tensor with named parameters and no
 * strength inside; λ is applied outside. Each is a TF.js regularizer that saves and loads with the
 * model, listed by the penalty catalogue (the registry's mechanism).
 *
 *   definePenalty({ name, params, fn, prox? }) (definition.ts) ─► penaltyCatalog (catalog.ts; the built-ins
 *   in builtins.ts) ─► penalty(spec) ─► PenaltyRegularizer (regularizer.ts): apply(w) = λ·φ(w)
 *   ─► probed on sample tensors (probe.ts) and on the weights it goes on (probe-weights.ts) ─► attachToKernels (attach.ts); `,prox` (proximal.ts,
 *   prox-ops.ts); λ·φ(w) sampled for figures (curve.ts); a regularizer again from its
 *   { className, config }, as a custom layer's constructor is given it (from-json.ts)
 */

export { attachToKernels, type KernelControls } from './attach.ts';
export { BUILTIN_PENALTIES } from './builtins.ts';
export { type DefinePenaltyOptions, definePenalty, type PenaltySpec, penalty, penaltyCatalog } from './catalog.ts';
export { STORED_CURVE, sampleCurve, samplePenaltyCurve } from './curve.ts';
export { type PenaltyDefinition, type ProximalOperator, penaltyValue } from './definition.ts';
export {
  type ConstraintJson,
  constraintFromJson,
  type LayerConstraint,
  type LayerRegularizer,
  type RegularizerJson,
  regularizerFromJson,
} from './from-json.ts';
export { abs } from './ops.ts';
export { type ProbeOptions, probePenalty } from './probe.ts';
export { FINITE_AT_ZERO, whyNoGradient } from './probe-advice.ts';
export { type ProbedWeight, probeOnWeights } from './probe-weights.ts';
export { deadZoneProx, elasticNetProx, softThreshold } from './prox-ops.ts';
export { isProximal, noGradient, proximalPenalty } from './proximal.ts';
export { isPenalty, PenaltyRegularizer, regularizerClassName } from './regularizer.ts';
