/** `loadPenalty` and `loadConstraint`: a spec that may name a user's module (Node only; see module.ts). */
import { constraintCatalog } from '../constraints/catalog.ts';
import type { PenxConstraint } from '../constraints/constraint.ts';
import { penaltyCatalog } from '../penalties/catalog.ts';
import type { PenaltyRegularizer } from '../penalties/regularizer.ts';
import { proximalPenalty, splitProxFlag } from '../penalties/proximal.ts';
import { loadSpec } from './module.ts';

/**
 * Like `penalty()`, but also imports a module path (`./my-penalty.ts:1e-4,k=2`) and probes the
 * result; a trailing `,prox` gives the penalty in proximal mode.
 *
 * @example
 * const reg = await loadPenalty('./mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05');
 */
export async function loadPenalty(spec: string, options: { cwd?: string } = {}): Promise<PenaltyRegularizer> {
  const { spec: base, prox } = splitProxFlag(spec);
  const reg = await loadSpec(penaltyCatalog, base, options);
  return prox ? proximalPenalty(reg) : reg;
}

/** Like `constraint()`, but also imports a module path and probes the result. */
export function loadConstraint(spec: string, options: { cwd?: string } = {}): Promise<PenxConstraint> {
  return loadSpec(constraintCatalog, spec, options);
}
