/**
 * A sweep's grid and its runs: every penalty at every strength, each with every seed.
 *
 *   penalties × strengths × seeds ─► one run per cell, named from its settings
 *     l1 × 1e-4 × 7          ─► `l1_1e-4_seed=7`             (spec `l1:1e-4`)
 *     deadzone,a=0.3 × 1e-3 ─► `deadzone_1e-3_a=0.3_seed=7` (spec `deadzone:1e-3,a=0.3`)
 *     l1,prox × 1e-4        ─► `l1_1e-4_prox_seed=7`        (spec `l1:1e-4,prox`: the proximal step)
 *     none × (any) × 7      ─► `none_seed=7`                 (a penalty without a strength: once per seed)
 *
 * Every spec is bound (and a module penalty imported and probed) here, so a bad grid stops
 * before anything is queued or trained.
 */
import { formatNumber, formatPenaltySpec, isModuleRef, loadPenalty, parsePenaltySpec, type SweepGrid, type SweepRun, UsageError } from 'penalty-explorer/node';
import { runNameFor } from './names.ts';
import { checkNoStrength, checkStrengthsGiven, checkSweepStrengths, noStrengths } from './sweep-texts.ts';

/**
 * The spec `text` (without a strength) with `strength` put in, `,prox` kept last: `deadzone,a=0.3` + 1e-3 →
 * `deadzone:1e-3,a=0.3`; `l1,prox` + 1e-4 → `l1:1e-4,prox`.
 */
function withStrength(text: string, strength: number): string {
  return formatPenaltySpec({ ...parsePenaltySpec(text), positional: formatNumber(strength) });
}

/**
 * The spec a run is trained from: the bound penalty's normalised spec, with a module's path kept in
 * place of its name (the run's own process imports it again): `./logsum.ts` + `logsum:1e-4,eps=0.05`
 * → `./logsum.ts:1e-4,eps=0.05`.
 */
function runSpec(text: string, bound: string): string {
  const { name } = parsePenaltySpec(text);
  return isModuleRef(name) ? `${name}${bound.slice(bound.search(/[:,]|$/))}` : bound;
}

/** A run of a sweep's grid, as sweep.json lists it, and its penalty as `penx compare` and the records show it (a module's by its name). */
export interface GridRun {
  readonly run: SweepRun;
  /** The bound penalty's normalised spec: `huber:1e-4,d=0.05` for the run's `./huber.ts:1e-4,d=0.05`. */
  readonly shown: string;
}

/** The runs of `grid`, penalty-major, then strength, then seed; a UsageError for an empty grid or a bad strength (a SpecError for a bad penalty spec). */
export async function expandGrid(grid: SweepGrid): Promise<SweepRun[]> {
  return (await gridRuns(grid)).map((r) => r.run);
}

/** `expandGrid`'s runs, each with its penalty as shown (`GridRun`), for the sweep's progress lines. */
export async function gridRuns(grid: SweepGrid): Promise<GridRun[]> {
  if (grid.penalties.length === 0) throw new UsageError('the sweep has no penalties: the grid has 0 runs; give at least one, e.g. l1,l2,deadzone');
  if (grid.seeds.length === 0) throw new UsageError('the sweep has no seeds: the grid has 0 runs; give at least one, e.g. 1,2,3');
  checkSweepStrengths(grid.strengths);
  // A penalty that takes a strength (a built-in, a module's) with none given is named before any module is imported, as the command line names it.
  checkStrengthsGiven(grid.penalties, grid.strengths);
  const runs: GridRun[] = [];
  for (const text of grid.penalties) {
    checkNoStrength(text);
    const probe = await loadPenalty(text);
    if (!probe.definition.takesStrength) {
      const penalty = runSpec(text, probe.spec);
      for (const seed of grid.seeds) runs.push({ run: { name: `${runNameFor(probe.spec)}_seed=${seed}`, penalty, strength: null, seed }, shown: probe.spec });
      continue;
    }
    if (grid.strengths.length === 0) throw noStrengths(text);
    for (const strength of grid.strengths) {
      const bound = (await loadPenalty(withStrength(text, strength))).spec;
      const penalty = runSpec(text, bound);
      for (const seed of grid.seeds) runs.push({ run: { name: `${runNameFor(bound)}_seed=${seed}`, penalty, strength, seed }, shown: bound });
    }
  }
  const dup = runs.find((r, i) => runs.findIndex((o) => o.run.name === r.run.name) !== i);
  if (dup) throw new UsageError(`the sweep's grid has the run ${dup.run.name} twice (a penalty, strength or seed given twice); give each once`);
  return runs;
}
