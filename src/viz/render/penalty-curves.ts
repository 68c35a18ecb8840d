/**
 * Sampling each run's penalty for the penalty-shape figures (Node: a user penalty's module is
 * imported again from the path its record names, relative to the working folder):
 *
 *   distinct config.penalty specs ─► loadPenalty (built-in, or the record's penaltyModule)
 *   ─► λ·φ(w) and d(λ·φ)/dw at evenly spaced single weights w ─► PenaltyCurve[]
 *
 * A spec that no longer loads (a moved module, per-layer penalties) is listed in `missing`.
 * Results are kept per spec and range for the process (figures are redrawn every epoch).
 */
import { tf } from '../../tf.ts';
import { loadPenalty } from '../../spec/loaders.ts';
import { parseSpec } from '../../spec/parse.ts';
import { lossFormula } from '../../penalties/definition.ts';
import type { RunRecord } from '../../record/schema.ts';
import type { PenaltyCurve } from '../figures/index.ts';

export interface PenaltyCurveOptions {
  /** The range of w; default [−1, 1]. */
  readonly range?: readonly [number, number];
  /** Samples over the range; default 201 (so 0 is one of them). */
  readonly points?: number;
}

const cache = new Map<string, Promise<PenaltyCurve | undefined>>();

/** The spec to load for a run's penalty: the record's module path in place of a user penalty's name. */
function loadableSpec(run: RunRecord): string {
  const { penalty, penaltyModule } = run.config;
  if (!penaltyModule) return penalty;
  const name = parseSpec(penalty).name;
  return penaltyModule + penalty.slice(name.length);
}

async function sample(spec: string, range: readonly [number, number], points: number): Promise<PenaltyCurve | undefined> {
  try {
    const reg = await loadPenalty(spec);
    const step = (range[1] - range[0]) / (points - 1);
    const f = tf.valueAndGrad((w: tf.Tensor) => reg.apply(w));
    const out = Array.from({ length: points }, (_, i) => {
      const w = Number((range[0] + i * step).toPrecision(12));
      const { value, grad } = tf.tidy(() => {
        const r = f(tf.tensor1d([w]));
        return { value: r.value.dataSync()[0] ?? NaN, grad: r.grad.dataSync()[0] ?? NaN };
      });
      return { w, value, slope: grad };
    });
    return out.every((p) => Number.isFinite(p.value) && Number.isFinite(p.slope)) ? { spec: reg.spec, formula: lossFormula(reg.definition), points: out } : undefined;
  } catch {
    return undefined;
  }
}

/** Each distinct penalty of `runs` sampled over the range; those that cannot be evaluated in `missing`. */
export async function penaltyCurves(runs: readonly RunRecord[], options: PenaltyCurveOptions = {}): Promise<{ curves: PenaltyCurve[]; missing: string[] }> {
  const range = options.range ?? [-1, 1];
  const points = options.points ?? 201;
  const curves: PenaltyCurve[] = [];
  const missing: string[] = [];
  for (const run of runs) {
    const spec = run.config.penalty;
    if (curves.some((c) => c.spec === spec) || missing.includes(spec)) continue;
    let loadable: string;
    try {
      loadable = loadableSpec(run);
    } catch {
      missing.push(spec);
      continue;
    }
    const key = `${loadable}|${range.join(',')}|${points}`;
    let pending = cache.get(key);
    if (!pending) cache.set(key, (pending = sample(loadable, range, points)));
    const curve = await pending;
    if (curve) curves.push({ ...curve, spec });
    else missing.push(spec);
  }
  return { curves, missing };
}
