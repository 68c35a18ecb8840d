/**
 * From a spec to a regularizer. `penalty()` is synchronous and knows the built-ins and every
 * penalty already defined in this process; `loadPenalty()` also imports a user module named by
 * path and probes it, so a bad module fails before any training starts.
 */
import { tf, type Tensor } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import { importDefaultExport } from '../spec/module.ts';
import { formatNumber, parseNumber } from '../spec/params.ts';
import { isModuleRef, parseSpec, type ParsedSpec } from '../spec/parse.ts';
import { penaltyCatalog } from './catalog.ts';
import { isPenaltyDefinition, type PenaltyDefinition } from './definition.ts';
import { createRegularizer, type PenaltyRegularizer } from './regularizer.ts';

/** A penalty spec as an object, for library callers. */
export interface PenaltySpec {
  readonly name: string;
  readonly strength?: number;
  readonly params?: Readonly<Record<string, number>>;
}

/**
 * A regularizer from a spec string (`l1:1e-4`, `deadzone:1e-4,a=0.3`) or object.
 *
 * @example
 * const reg = penalty('lp:1e-4,p=3');
 * reg.apply(tf.tensor([-2, 1]));   // 1e-4 · (8 + 1)
 */
export function penalty(spec: string | PenaltySpec): PenaltyRegularizer {
  const parsed = typeof spec === 'string' ? parseSpec(spec) : fromObject(spec);
  if (isModuleRef(parsed.name)) {
    throw new SpecError(`'${parsed.text}' names a module; use await loadPenalty('${parsed.text}') to import it`);
  }
  return bind(penaltyCatalog.require(parsed.name, parsed.text), parsed);
}

/** Like `penalty()`, but also imports a module path (`./my-penalty.ts:1e-4,k=2`) and probes the result. */
export async function loadPenalty(spec: string, options: { cwd?: string } = {}): Promise<PenaltyRegularizer> {
  const parsed = parseSpec(spec);
  if (!isModuleRef(parsed.name)) return penalty(spec);
  const exported = await importDefaultExport(parsed.name, options.cwd ?? process.cwd(), 'penalty');
  if (!isPenaltyDefinition(exported)) {
    throw new SpecError(`penalty module '${parsed.name}': its default export is not made by definePenalty({ name, params, fn })`);
  }
  const reg = bind(exported, parsed);
  probePenalty(reg);
  return reg;
}

function bind(def: PenaltyDefinition, parsed: ParsedSpec): PenaltyRegularizer {
  let strength = def.defaultStrength;
  if (parsed.positional !== undefined) {
    if (!def.takesStrength) throw new SpecError(`penalty ${def.name} takes no strength, got '${parsed.text}'; write just '${def.name}'`);
    strength = parseNumber(parsed.positional, `strength of ${def.name}`);
  }
  if (!Number.isFinite(strength) || strength < 0) {
    throw new SpecError(`strength of ${def.name} must be a finite number ≥ 0, got ${formatNumber(strength)} in '${parsed.text}'`);
  }
  return createRegularizer(def, def.takesStrength ? strength : 0, penaltyCatalog.bindParams(def, parsed));
}

function fromObject(spec: PenaltySpec): ParsedSpec {
  const params = Object.entries(spec.params ?? {}).map(([k, v]) => [k, String(v)] as const);
  const positional = spec.strength === undefined ? undefined : String(spec.strength);
  const text = [positional === undefined ? spec.name : `${spec.name}:${positional}`, ...params.map(([k, v]) => `${k}=${v}`)].join(',');
  return { text, name: spec.name, positional, params };
}

/** Values a probe evaluates a penalty on: zero, tiny, around the default dead zone, large, both signs. */
const PROBE = [0, 1e-3, -1e-3, 0.1, -0.1, 0.25, -0.25, 0.5, -0.5, 1, -1, 2, -2, 0.03, -0.7, 1.5];

/**
 * Throws a SpecError if the penalty throws, returns a non-scalar or non-finite value on a probe
 * tensor, or has a non-finite gradient at non-zero weights.
 */
export function probePenalty(reg: PenaltyRegularizer): void {
  const name = reg.definition.name;
  let value: number;
  let gradOk: boolean;
  try {
    [value, gradOk] = tf.tidy(() => {
      const w = tf.tensor2d(PROBE, [4, 4]);
      const v = reg.value(w).dataSync()[0] ?? NaN;
      const nonZero = tf.tensor1d(PROBE.filter((x) => x !== 0));
      const g = tf.grad((x: Tensor) => reg.value(x))(nonZero);
      return [v, g.dataSync().every(Number.isFinite)] as [number, boolean];
    });
  } catch (err) {
    if (err instanceof SpecError) throw new SpecError(`penalty module for ${name}: ${err.message}`);
    throw new SpecError(`penalty ${name} threw on a probe tensor of shape [4,4]: ${(err as Error).message ?? String(err)}`);
  }
  if (!Number.isFinite(value)) {
    throw new SpecError(`penalty ${name} returned ${value} on a probe tensor of shape [4,4]; a penalty must be finite`);
  }
  if (!gradOk) throw new SpecError(`penalty ${name} has a non-finite gradient on a probe tensor; check it for divisions by |w| or logs of 0`);
}
