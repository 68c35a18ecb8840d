/**
 * How `penx penalties|constraints SPEC…` describes a spec once the library is needed (a module of
 * yours; a built-in is described without it, and the catalogues are listed without it:
 * catalog-specs.ts): parsed by the same parser every command uses, printed in its normalised form
 * with its formula (catalog-describe.ts).
 */
import { loadConstraint, lossFormula, useQuietCpu } from 'penalty-explorer/node';
import { origin, type Resolved } from './catalog-describe.ts';
import { loadRunPenalty } from './parse-experiment.ts';

/** A penalty spec loaded as a run's penalty is (imported and probed, on the quiet cpu backend): its normalised spec and formula. */
export async function penaltyLoader(): Promise<(s: string) => Promise<Resolved>> {
  // Checking specs computes only on tiny probe tensors: the cpu backend suffices.
  await useQuietCpu();
  return async (s) => {
    const { penalty: r } = await loadRunPenalty(s);
    return { spec: r.spec, formula: lossFormula(r.definition), ...origin(s, r.definition.builtin) };
  };
}

/** A constraint spec loaded as a run's constraint is (imported and probed, on the quiet cpu backend): its normalised spec and formula. */
export async function constraintLoader(): Promise<(s: string) => Promise<Resolved>> {
  // Checking specs computes only on tiny probe tensors: the cpu backend suffices.
  await useQuietCpu();
  return async (s) => {
    const c = await loadConstraint(s);
    return { spec: c.spec, formula: c.definition.formula, ...origin(s, c.definition.builtin) };
  };
}
