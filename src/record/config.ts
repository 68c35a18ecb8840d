/**
 * What a run record says about the model it trained, read off the model itself: its shapes and
 * size, the penalty on its kernels (the layers' regularizers) and each penalty's curve (sampled
 * here, so figures never need the penalty's code), the constraint and its norm bounds.
 */
import { samplePenaltyCurve } from '../penalties/curve.ts';
import { lossFormula } from '../penalties/definition.ts';
import { PenaltyRegularizer } from '../penalties/regularizer.ts';
import { PenxConstraint } from '../constraints/constraint.ts';
import { kernelOf } from '../monitor/norms.ts';
import type { tf } from '../tf.ts';
import type { ModelInfo, RunConfig } from './schema.ts';

interface RegularizedLayer {
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  kernelConstraint?: unknown;
}

const perSample = (shape: unknown): number[] => (Array.isArray(shape) && !Array.isArray(shape[0]) ? (shape.slice(1) as number[]) : []);

/** The model's name, size and per-sample shapes. */
export function modelInfo(model: tf.LayersModel, source?: string): ModelInfo {
  return {
    name: model.name,
    ...(source ? { source } : {}),
    weights: model.weights.reduce((s, w) => s + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0),
    inputShape: perSample(model.inputs[0]?.shape),
    outputShape: perSample(model.outputs[0]?.shape),
  };
}

/** True for this library's regularizers, also when made by another copy of the package (its CommonJS build). */
const isPenalty = (r: unknown): r is PenaltyRegularizer => r instanceof PenaltyRegularizer || (typeof r === 'object' && r !== null && 'definition' in r && typeof (r as { spec?: unknown }).spec === 'string');
const isConstraint = (c: unknown): c is PenxConstraint => c instanceof PenxConstraint || (typeof c === 'object' && c !== null && 'definition' in c && typeof (c as { spec?: unknown }).spec === 'string');

/** A regularizer as spec text and formula: this library's by its spec, others by class and config. */
function describeRegularizer(r: unknown): { spec: string; formula: string } | undefined {
  if (r == null) return undefined;
  if (isPenalty(r)) return r.definition.name === 'none' ? undefined : { spec: r.spec, formula: lossFormula(r.definition) };
  const s = r as tf.serialization.Serializable;
  const config = Object.entries(s.getConfig?.() ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  const spec = `tfjs.${s.getClassName?.() ?? 'regularizer'}${config.length ? `:${config.join(',')}` : ''}`;
  return { spec, formula: spec };
}

type PenaltyFields = Pick<RunConfig, 'penalty' | 'penaltyFormula' | 'penaltyCurves' | 'penalizeBias' | 'constraint' | 'constraintBounds'>;

/** Each distinct penalty of this library on the layers' weights (not `none`), sampled. */
function curvesOf(layers: ReadonlyArray<RegularizedLayer>): NonNullable<RunConfig['penaltyCurves']> {
  const regs = new Map<string, PenaltyRegularizer>();
  for (const l of layers) {
    for (const r of [l.kernelRegularizer, l.biasRegularizer]) if (isPenalty(r) && r.definition.name !== 'none' && !regs.has(r.spec)) regs.set(r.spec, r);
  }
  return [...regs.values()].flatMap((r) => samplePenaltyCurve(r) ?? []);
}

/** The penalty on the model's kernels (one spec when all kernels carry the same, else each layer's), on biases, and the kernels' constraint. */
export function penaltyFields(model: tf.LayersModel): PenaltyFields {
  const layers = model.layers as unknown as Array<RegularizedLayer & { name: string }>;
  const withKernel = new Set(model.layers.filter((l) => kernelOf(l)).map((l) => l.name));
  const kernels = layers.filter((l) => withKernel.has(l.name)).map((l) => ({ layer: l.name, reg: describeRegularizer(l.kernelRegularizer) }));
  const specs = [...new Set(kernels.map((k) => k.reg?.spec ?? 'none'))];
  const constraints = layers.flatMap((l) => (isConstraint(l.kernelConstraint) ? [l.kernelConstraint] : []));
  // One constraint when every constrained kernel has the same spec (each layer holds its own copy).
  const constraint = new Set(constraints.map((c) => c.spec)).size === 1 ? constraints[0] : undefined;
  const bounds = boundsOf(constraint);
  const penalty =
    specs.length === 1 && kernels[0]?.reg ? { penalty: specs[0] as string, penaltyFormula: kernels[0].reg.formula }
    : specs.length <= 1 ? { penalty: 'none', penaltyFormula: '0' }
    : { penalty: kernels.map((k) => `${k.layer}: ${k.reg?.spec ?? 'none'}`).join('; '), penaltyFormula: 'per layer' };
  const curves = curvesOf(layers);
  return {
    ...penalty,
    ...(curves.length ? { penaltyCurves: curves } : {}),
    penalizeBias: layers.some((l) => describeRegularizer(l.biasRegularizer) !== undefined),
    ...(constraint ? { constraint: constraint.spec } : {}),
    ...(bounds ? { constraintBounds: bounds } : {}),
  };
}

/** The norm bounds a norm constraint enforces, for figures. */
function boundsOf(c: PenxConstraint | undefined): RunConfig['constraintBounds'] {
  if (!c) return undefined;
  const p = c.params as Record<string, number>;
  const axes = c.params['axis'] ?? [0];
  // One axis as a number (as records have always said), several as a list.
  const axis = typeof axes === 'number' ? axes : axes.length === 1 ? (axes[0] as number) : [...axes];
  const perChannel = p['perchannel'] === 1 ? { perChannel: true } : {};
  switch (c.definition.name) {
    case 'maxnorm':
      return { max: p['m'] as number, axis, ...perChannel };
    case 'unitnorm':
      return { min: 1, max: 1, axis, ...perChannel };
    case 'minmaxnorm':
      return { min: p['min'] as number, max: p['max'] as number, axis, ...perChannel };
    default:
      return undefined;
  }
}
