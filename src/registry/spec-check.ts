/**
 * A spec checked against its kind's signatures, without TF.js: what the library's catalogue would
 * refuse when it resolves the spec — an unknown name, a value that is not a number, out of bounds
 * or unknown, a check across parameters — refused here, by the same code and with the same message,
 * so a command line judges what it was given before the library loads.
 *
 *   spec text ─► parseSpec ─► a module path? (judged once imported: passes) ─► the kind's signature
 *             (built-in, or defined in this process) ─► values bound and checked ─► the normalised spec
 *
 * Each kind's signatures are the data its catalogue is built from (penalty-, constraint-,
 * transform- and optimizer-signatures.ts): one source of names and parameter rules.
 */
import { SpecError } from '../errors.ts';
import { type Binding, Catalog, type CatalogEntry, type Kind, named } from './catalog.ts';
import { CONSTRAINT_SIGNATURES, type ConstraintEntry, constraintCheck } from './constraint-signatures.ts';
import { OPTIMIZER_SIGNATURES, type OptimizerCheckEntry, optimizerCheck } from './optimizer-signatures.ts';
import { isModuleRef, PROX_FLAG, parsePenaltySpec, parseSpec } from './parse.ts';
import { noProximalOperator, PENALTY_SIGNATURES, PENALTY_STRENGTH, type PenaltyEntry, penaltyEntry } from './penalty-signatures.ts';
import { TRANSFORM_SIGNATURES, TRANSFORM_VALUE } from './transform-signatures.ts';

const entry = (name: string, signature: Omit<CatalogEntry, 'name' | 'builtin'>): CatalogEntry => ({ ...signature, name, builtin: true });

/**
 * Each kind's catalogue of signatures: the built-ins' and, shared with the library's catalogue of
 * that kind (see `Catalog`), the definitions made in this process. Resolving a spec binds its values.
 */
const SCHEMAS: { readonly [K in Kind]: Pick<Catalog<CatalogEntry, Binding<CatalogEntry>>, 'resolveParsed' | 'names'> } = {
  penalty: new Catalog<PenaltyEntry, Binding<PenaltyEntry>>({
    kind: 'penalty',
    builtins: named(PENALTY_SIGNATURES, (name, s) => penaltyEntry(name, s, true)),
    positional: PENALTY_STRENGTH,
    bind: (b) => b,
  }),
  constraint: new Catalog<ConstraintEntry, Binding<ConstraintEntry>>({
    kind: 'constraint',
    builtins: named(CONSTRAINT_SIGNATURES, (name, s) => entry(name, s) as ConstraintEntry),
    check: constraintCheck,
    bind: (b) => b,
  }),
  optimizer: new Catalog<OptimizerCheckEntry, Binding<OptimizerCheckEntry>>({
    kind: 'optimizer',
    builtins: named(OPTIMIZER_SIGNATURES, entry),
    check: optimizerCheck,
    bind: (b) => b,
  }),
  'gradient transform': new Catalog({ kind: 'gradient transform', builtins: named(TRANSFORM_SIGNATURES, entry), positional: TRANSFORM_VALUE, bind: (b) => b }),
};

/**
 * The normalised spec of `text`, a spec of `kind` (a penalty's may end in `,prox`), checked without
 * TF.js as its catalogue checks it when it resolves it; a SpecError with the catalogue's message
 * otherwise. A module path passes unchecked (undefined; an optimiser's is refused: optimisers are
 * built in only): its module is judged once imported. A penalty's `,prox` needs one with a proximal
 * operator (its signature's `proximal`).
 *
 * @example
 * checkSpec('penalty', 'deadzone:1e-4,a=0.3')   // 'deadzone:1e-4,a=0.3'
 * checkSpec('penalty', 'l1:-3')                 // SpecError: strength of l1 must be a finite number ≥ 0, got -3 in 'l1:-3'
 * checkSpec('optimizer', 'adam:lr=abc')         // SpecError: adam parameter lr must be a number, got 'abc'
 * checkSpec('constraint', './mine.ts:c=1')      // undefined (a module)
 */
export function checkSpec(kind: Kind, text: string): string | undefined {
  const spec = kind === 'penalty' ? parsePenaltySpec(text) : { ...parseSpec(text), prox: false };
  // Optimisers are built in only: the catalogue refuses a module path.
  if (kind !== 'optimizer' && isModuleRef(spec.name)) return undefined;
  const bound = SCHEMAS[kind].resolveParsed(spec);
  if (spec.prox && !(bound.entry as Partial<PenaltyEntry>).proximal) throw new SpecError(noProximalOperator(bound.entry.name));
  return spec.prox ? `${bound.spec},${PROX_FLAG}` : bound.spec;
}

/**
 * The names a spec of `kind` may give, built-ins first (as its catalogue lists them), without TF.js.
 *
 * @example
 * specNames('gradient transform')   // ['clipvalue', 'clipnorm', 'clipglobalnorm', 'clipl1', 'scale', 'zero', …yours]
 */
export function specNames(kind: Kind): string[] {
  return SCHEMAS[kind].names();
}
