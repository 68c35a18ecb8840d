/**
 * `penx penalties SPEC…`: a built-in penalty described from its TF.js-free signature (`checkSpec`,
 * `lossFormula`), as the library would describe it (catalog-describe.ts): the library loads only for
 * a module, or for the catalogue's table.
 *
 *   penx penalties l1 ./mine.ts:1e-3
 *     l1           ─► checkSpec ─► 'l1:1e-4' + lossFormula(PENALTY_SIGNATURES.l1) ─► l1:1e-4⇥λ·Σ|w|   (no TF.js)
 *     ./mine.ts:…  ─► the library (loadRunPenalty: imported, probed) ─► mine:0.001⇥λ·…⇥(from ./mine.ts)
 */
import { type BuiltinPenaltyName, checkSpec, isModuleRef, lossFormula, PENALTY_SIGNATURES, parseSpec, splitProxFlag } from 'penalty-explorer/spec';
import { describeSpecs, type JsonOutput, type Resolved } from './catalog-describe.ts';

/**
 * `penx penalties [SPEC…]`: without specs, the catalogue (the library's); with specs, each described —
 * a built-in's (or a name that is none: refused as the catalogue refuses it) from its signature, without
 * TF.js, until a spec names a module: that one and the rest by the library, which then knows the
 * module's definition. `guard` loads the library and guards user code (main.ts) first.
 */
export async function penalties(specs: readonly string[], options: JsonOutput = {}, guard: () => Promise<void> = async () => {}): Promise<number> {
  if (specs.length === 0) {
    await guard();
    return (await import('./catalogs.ts')).penaltyCatalogue(options);
  }
  let library: ((s: string) => Promise<Resolved>) | undefined;
  const describe = async (s: string): Promise<Resolved> => {
    const name = parseSpec(splitProxFlag(s).spec).name;
    if (library === undefined && !isModuleRef(name)) {
      const spec = checkSpec('penalty', s) as string;
      return { spec, formula: lossFormula(PENALTY_SIGNATURES[name as BuiltinPenaltyName]) };
    }
    if (library === undefined) {
      await guard();
      library = await (await import('./catalogs.ts')).penaltyLoader();
    }
    return library(s);
  };
  return describeSpecs(specs, describe, options.json === true);
}
