/**
 * `penx penalties|constraints|optimizers [SPEC…]` without TF.js for the built-ins: the catalogue's
 * table from the signatures (catalog-tables.ts), and a built-in spec described from its TF.js-free
 * signature (`checkSpec`, its formula), as the library would describe it (catalog-describe.ts): the
 * library loads only for a module (catalogs.ts). Optimisers are built in only: never the library.
 *
 *   penx penalties l1 ./mine.ts:1e-3
 *     l1           ─► checkSpec ─► 'l1:1e-4' + lossFormula(PENALTY_SIGNATURES.l1) ─► l1:1e-4⇥λ·Σ|w|   (no TF.js)
 *     ./mine.ts:…  ─► the library (loadRunPenalty: imported, probed) ─► mine:0.001⇥λ·…⇥(from ./mine.ts)
 */
import {
  type BuiltinConstraintName,
  type BuiltinPenaltyName,
  CONSTRAINT_SIGNATURES,
  checkSpec,
  isModuleRef,
  lossFormula,
  OPTIMIZER_SIGNATURES,
  type OptimizerName,
  PENALTY_SIGNATURES,
  parsePenaltySpec,
  parseSpec,
} from 'penalty-explorer/spec';
import { describeSpecs, type JsonOutput, type Resolved } from './catalog-describe.ts';
import { listCatalogue } from './catalog-tables.ts';

type Describe = (s: string) => Promise<Resolved>;

/**
 * Each of `specs` described — a built-in's (or a name that is none: refused as the catalogue refuses
 * it) by `builtin`, without TF.js, until a spec names a module: that one and the rest by the library
 * (`library`), which then knows the module's definition. `guard` loads the library and guards user
 * code (main.ts) first.
 */
function describeBuiltinsFirst(
  specs: readonly string[],
  json: boolean,
  builtin: (s: string) => Resolved | undefined,
  library: () => Promise<Describe>,
  guard: () => Promise<void>,
) {
  let loaded: Describe | undefined;
  const describe = async (s: string): Promise<Resolved> => {
    const r = loaded === undefined && !isModuleRef(parsePenaltySpec(s).name) ? builtin(s) : undefined;
    if (r !== undefined) return r;
    if (loaded === undefined) {
      await guard();
      loaded = await library();
    }
    return loaded(s);
  };
  return describeSpecs(specs, describe, json);
}

/** `penx penalties [SPEC…]`: see the file's comment. */
export async function penalties(specs: readonly string[], options: JsonOutput = {}, guard: () => Promise<void> = async () => {}): Promise<number> {
  if (specs.length === 0) return listCatalogue('penalties', options);
  return describeBuiltinsFirst(
    specs,
    options.json === true,
    (s) => {
      const spec = checkSpec('penalty', s) as string;
      return { spec, formula: lossFormula(PENALTY_SIGNATURES[parsePenaltySpec(s).name as BuiltinPenaltyName]) };
    },
    async () => (await import('./catalogs.ts')).penaltyLoader(),
    guard,
  );
}

/** `penx constraints [SPEC…]`: see the file's comment. */
export async function constraints(specs: readonly string[], options: JsonOutput = {}, guard: () => Promise<void> = async () => {}): Promise<number> {
  if (specs.length === 0) return listCatalogue('constraints', options);
  return describeBuiltinsFirst(
    specs,
    options.json === true,
    (s) => {
      const spec = checkSpec('constraint', s) as string;
      return { spec, formula: CONSTRAINT_SIGNATURES[parseSpec(s).name as BuiltinConstraintName].formula };
    },
    async () => (await import('./catalogs.ts')).constraintLoader(),
    guard,
  );
}

/** `penx optimizers [SPEC…]`: see the file's comment (a module path is refused by `checkSpec`). */
export async function optimizers(specs: readonly string[], options: JsonOutput = {}): Promise<number> {
  if (specs.length === 0) return listCatalogue('optimizers', options);
  return describeSpecs(
    specs,
    async (s) => {
      const spec = checkSpec('optimizer', s) as string;
      return { spec, formula: OPTIMIZER_SIGNATURES[parseSpec(s).name as OptimizerName].formula };
    },
    options.json === true,
  );
}
