/**
 * What a run record says about the model it trained, read off the model itself:
 *
 *   inventory (every weight, wherever TF.js keeps it) ─► per weight: shape, kind, trainable, its
 *   penalty (this library's by its spec, a user's, TF.js's own by class and config) and constraint
 *   (with a norm constraint's bounds) ─► the run's one-line summaries: penalty, formula, constraint
 *   ─► each distinct penalty's curve (sampled here, so figures never need the penalty's code)
 */

import { PenxConstraint } from '../constraints/index.ts';
import { ResumeNamesError } from '../errors.ts';
import type { ConstraintInfo, ModelInfo, NormBounds, PenaltyInfo, RunConfig, RunRecord, WeightInfo } from '../formats/index.ts';
import { type Constraint, generatedStemOf, inventory, namedKindOf, type Regularizer, uniqueWeights } from '../model/index.ts';
import { channelLayouts, weightKind } from '../monitor/index.ts';
import { isPenalty, sampleCurve, samplePenaltyCurve } from '../penalties/index.ts';
import { formatNumber, lossFormula } from '../registry/index.ts';
import type { tf } from '../tf.ts';

const perSample = (shape: unknown): number[] => (Array.isArray(shape) && !Array.isArray(shape[0]) ? (shape.slice(1) as number[]) : []);
const sizeOf = (shape: readonly (number | null)[]) => shape.reduce((p: number, d) => p * (d ?? 1), 1);

/**
 * The model's name as a record gives it: the one given, or a name TF.js made up without its count
 * (the count of models made in the process, which two runs of one seed would record differently,
 * e.g. `penx compare` building a model per run, or `fit` called twice). A nested model's name, part of
 * its layers' paths in the record (`sequential_2/dense_Dense1`), attachToKernels' `countNames` counts
 * in the model instead (`sequential_1/dense_Dense1`); both go by `generatedStemOf` (a name given in
 * TF.js's form, `sequential_7`, is taken as TF.js's: no test tells them apart).
 *
 * @example
 * recordedModelName(tf.sequential({ layers }))                   // 'sequential' (TF.js named it sequential_2)
 * recordedModelName(block)                                       // 'block' (of a registered LayersModel subclass Block: TF.js named it block3)
 * recordedModelName(tf.sequential({ name: 'my_mlp', layers }))   // 'my_mlp'
 */
export function recordedModelName(model: tf.LayersModel): string {
  const automatic = generatedStemOf(model.name, namedKindOf(model));
  return automatic ? automatic.replace(/_$/, '') : model.name;
}

/** The model's name (`recordedModelName`), size (a tied weight counted once) and per-sample shapes (of its first input and output). */
export function modelInfo(model: tf.LayersModel, source?: string): ModelInfo {
  return {
    name: recordedModelName(model),
    ...(source ? { source } : {}),
    weights: uniqueWeights(model).reduce((s, w) => s + sizeOf(w.shape), 0),
    trainableWeights: uniqueWeights(model, true).reduce((s, w) => s + sizeOf(w.shape), 0),
    inputShape: perSample(model.inputs[0]?.shape),
    outputShape: perSample(model.outputs[0]?.shape),
  };
}

/** True for this library's constraints, likewise. */
export const isPenxConstraint = (c: unknown): c is PenxConstraint =>
  c instanceof PenxConstraint ||
  (typeof c === 'object' && c !== null && 'definition' in c && typeof (c as { spec?: unknown }).spec === 'string' && !('strength' in c));

/** A TF.js class as spec text: `tfjs.L1L2:l1=0.01,l2=0`. */
function tfjsSpec(s: tf.serialization.Serializable): { spec: string; className: string; config: Record<string, unknown> } {
  const className = s.getClassName?.() ?? 'unknown';
  const config = (s.getConfig?.() ?? {}) as Record<string, unknown>;
  const text = Object.entries(config).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : String(v)}`);
  return { spec: `tfjs.${className}${text.length ? `:${text.join(',')}` : ''}`, className, config };
}

/** A TF.js L1L2's formula and λ, in this library's terms (l1l2's when it has both terms). */
function l1l2Terms(config: Record<string, unknown>): { formula: string; strength: number | null } {
  const l1 = typeof config['l1'] === 'number' ? config['l1'] : 0;
  const l2 = typeof config['l2'] === 'number' ? config['l2'] : 0;
  if (l2 === 0) return { formula: 'λ·Σ|w|', strength: l1 };
  if (l1 === 0) return { formula: 'λ·Σw²', strength: l2 };
  return { formula: `λ·(${formatNumber(l1)}·Σ|w| + ${formatNumber(l2)}·Σw²)`, strength: 1 };
}

/** What a regularizer is: spec, λ, formula and source (undefined for this library's `none`). */
export function describePenalty(r: Regularizer): PenaltyInfo | undefined {
  if (isPenalty(r)) {
    if (r.definition.name === 'none') return undefined;
    return {
      spec: r.spec,
      strength: r.definition.takesStrength ? r.strength : null,
      formula: lossFormula(r.definition),
      source: r.definition.builtin ? 'builtin' : 'user',
    };
  }
  const { spec, className, config } = tfjsSpec(r);
  const terms = className === 'L1L2' ? l1l2Terms(config) : { formula: spec, strength: null };
  return { spec, ...terms, source: 'tfjs', tfjs: { className, config } };
}

/** What a constraint is: spec, source, and a norm constraint's bounds. */
export function describeConstraint(c: Constraint): ConstraintInfo {
  if (isPenxConstraint(c)) {
    const bounds = penxBounds(c);
    return { spec: c.spec, source: c.definition.builtin ? 'builtin' : 'user', ...(bounds ? { bounds } : {}) };
  }
  const { spec, className, config } = tfjsSpec(c);
  const bounds = tfjsBounds(className, config);
  return { spec, source: 'tfjs', ...(bounds ? { bounds } : {}) };
}

/** Every weight of the model with what acts on it, in model order; its layer's channel kernel with the axes its norms are over. */
export function weightInfos(model: tf.LayersModel): WeightInfo[] {
  const layouts = channelLayouts(model);
  return inventory(model).weights.map((w) => {
    const penalty = w.regularizer ? describePenalty(w.regularizer) : undefined;
    const normed = layouts.get(w.variable)?.axes;
    return {
      name: w.name,
      layer: w.layer,
      shape: w.variable.shape as number[],
      kind: weightKind(w.name),
      trainable: w.trainable,
      ...(normed ? { normedAxes: normed } : {}),
      madeBy: w.maker,
      ...(penalty ? { penalty } : {}),
      ...(w.constraint ? { constraint: describeConstraint(w.constraint) } : {}),
    };
  });
}

/**
 * A recorded weight's path: its name after the nested models holding its layer, which are part of the
 * record's layer paths.
 *
 * @example
 * recordedPath({ name: 'dense_Dense1/kernel', layer: 'sequential_1/dense_Dense1' })   // 'sequential_1/dense_Dense1/kernel'
 */
const recordedPath = (w: Pick<WeightInfo, 'name' | 'layer'>): string => `${w.layer.slice(0, w.layer.lastIndexOf('/') + 1)}${w.name}`;

/**
 * The weights `now` (a model's weightInfos) names otherwise than the record `was` does, by their paths
 * (`recordedPath`), position by position, as `was → now`; empty when every path is the same.
 *
 * @example
 * renamedWeights(record.config.weights, weightInfos(model))
 * // ['dense_Dense1/kernel → dense_Dense5/kernel', 'dense_Dense1/bias → dense_Dense5/bias']
 */
export function renamedWeights(was: readonly Pick<WeightInfo, 'name' | 'layer'>[], now: readonly Pick<WeightInfo, 'name' | 'layer'>[]): string[] {
  const [before, after] = [was.map(recordedPath), now.map(recordedPath)];
  return before.flatMap((path, i) => (path !== after[i] ? [`${path} → ${after[i] ?? '(none)'}`] : []));
}

/** Each weight field a resumed run must find again, in words (`weightDifferences`). */
const SAID: Readonly<Record<string, (w: WeightInfo) => string>> = {
  shape: (w) => `[${w.shape.join(', ')}]`,
  kind: (w) => w.kind,
  trainable: (w) => String(w.trainable),
  penalty: (w) => w.penalty?.spec ?? 'none',
  constraint: (w) => w.constraint?.spec ?? 'none',
};

/** The fields in which a weight differs only as this penx classes it, not as it is: its kind (`weightKind`), whether it is trained (`takesGradient`). */
const CLASSED = new Set(['kind', 'trainable']);

/**
 * How the model's weights `now` (its weightInfos) differ from those the run `was` records, position by
 * position, each named by the record's path: shape, kind, trainability, penalty and constraint, as
 * `field record → this model`; a weight only one of them has, too. `classed`: every difference is of a
 * kind or trainability (the weight the same, classed otherwise by the penx that wrote the record).
 *
 * @example
 * weightDifferences(record.config.weights, weightInfos(model))
 * // { differences: ['x/my_kernel: kind kernel → other'], classed: true }
 */
export function weightDifferences(was: readonly WeightInfo[], now: readonly WeightInfo[]): { differences: string[]; classed: boolean } {
  const differences: string[] = [];
  let classed = true;
  for (let i = 0; i < Math.max(was.length, now.length); i++) {
    const [a, b] = [was[i], now[i]];
    if (!a || !b) {
      differences.push(a ? `${recordedPath(a)}: recorded, not in this model` : `${recordedPath(b as WeightInfo)}: in this model, not recorded`);
      classed = false;
      continue;
    }
    const fields = Object.entries(SAID).filter(([, say]) => say(a) !== say(b));
    if (fields.length === 0) continue;
    classed &&= fields.every(([field]) => CLASSED.has(field));
    differences.push(`${recordedPath(a)}: ${fields.map(([field, say]) => `${field} ${say(a)} → ${say(b)}`).join(', ')}`);
  }
  return { differences, classed: classed && differences.length > 0 };
}

/** Renamed weights a ResumeNamesError lists before `and N more`. */
const SHOWN_RENAMED = 3;

/**
 * A ResumeNamesError when the model's weights `now` (its weightInfos) are named otherwise (by their
 * paths, `sequential_1/dense_Dense1/kernel`) than the run `was` records them: its epochs would go on
 * under other names, the record mixing the two (its per-layer figures split in two). `where` names the
 * run in the message: its folder (fitToFolder's resume) or the record `fit` continues (`from`).
 *
 * @example
 * checkSameNames(record, weightInfos(model), 'runs/mine')
 * // throws "cannot resume runs/mine: its record names the model's weights otherwise than this model does: dense_Dense1/kernel → dense_Dense5/kernel, …"
 */
export function checkSameNames(was: RunRecord, now: readonly Pick<WeightInfo, 'name' | 'layer'>[], where: string): void {
  const renamed = renamedWeights(was.config.weights, now);
  if (renamed.length === 0) return;
  const more = renamed.length > SHOWN_RENAMED ? `, and ${renamed.length - SHOWN_RENAMED} more` : '';
  throw new ResumeNamesError(where, `${renamed.slice(0, SHOWN_RENAMED).join(', ')}${more}`);
}

type PenaltyFields = Pick<RunConfig, 'weights' | 'penalty' | 'penaltyFormula' | 'penaltyCurves' | 'penalizeBias' | 'constraint'>;

/** The distinct values in order of first appearance. */
const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The record's summaries from the per-weight list (see RunConfig). */
export function summaries(weights: readonly WeightInfo[]): Omit<PenaltyFields, 'weights' | 'penaltyCurves'> {
  const penalties = weights.flatMap((w) => (w.penalty ? [w.penalty] : []));
  const specs = distinct(penalties.map((p) => p.spec));
  const constraints = distinct(weights.flatMap((w) => (w.constraint ? [w.constraint.spec] : [])));
  return {
    penalty: specs.length === 0 ? 'none' : specs.join(' + '),
    penaltyFormula: specs.length === 0 ? '0' : specs.length === 1 ? (penalties[0] as PenaltyInfo).formula : 'per weight',
    penalizeBias: weights.some((w) => w.kind === 'bias' && w.penalty),
    ...(constraints.length === 1 ? { constraint: constraints[0] as string } : constraints.length > 1 ? { constraint: constraints.join(' + ') } : {}),
  };
}

/** Each distinct penalty on the model's weights (this library's, a user's, TF.js's own), sampled. */
function curvesOf(model: tf.LayersModel): NonNullable<RunConfig['penaltyCurves']> {
  const regs = new Map<string, { reg: Regularizer; info: PenaltyInfo }>();
  for (const w of inventory(model).weights) {
    const info = w.regularizer ? describePenalty(w.regularizer) : undefined;
    if (w.regularizer && info && !regs.has(info.spec)) regs.set(info.spec, { reg: w.regularizer, info });
  }
  return [...regs.values()].flatMap(
    ({ reg, info }) => (isPenalty(reg) ? samplePenaltyCurve(reg) : sampleCurve((x) => reg.apply(x), info.spec, info.formula)) ?? [],
  );
}

/** Every weight's penalty and constraint, the run's one-line summaries of them, and each penalty's curve. */
export function penaltyFields(model: tf.LayersModel): PenaltyFields {
  const weights = weightInfos(model);
  const curves = curvesOf(model);
  return { weights, ...summaries(weights), ...(curves.length ? { penaltyCurves: curves } : {}) };
}

const axisOf = (axes: number | readonly number[] | undefined): number | number[] => {
  const a = axes ?? 0;
  // One axis as a number (as records have always said), several as a list.
  return typeof a === 'number' ? a : a.length === 1 ? (a[0] as number) : [...a];
};

/** The norm bounds this library's norm constraint enforces, for figures. */
function penxBounds(c: PenxConstraint): NormBounds | undefined {
  const p = c.params as Record<string, number>;
  const axis = axisOf(c.params['axis']);
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

/** The norm bounds of TF.js's own norm constraints (MaxNorm, UnitNorm, MinMaxNorm). */
function tfjsBounds(className: string, config: Record<string, unknown>): NormBounds | undefined {
  const axis = axisOf(config['axis'] as number | number[] | undefined);
  const num = (k: string) => (typeof config[k] === 'number' ? (config[k] as number) : undefined);
  switch (className) {
    case 'MaxNorm':
      return { max: num('maxValue') ?? 2, axis };
    case 'UnitNorm':
      return { min: 1, max: 1, axis };
    case 'MinMaxNorm':
      return { min: num('minValue') ?? 0, max: num('maxValue') ?? 1, axis };
    default:
      return undefined;
  }
}
