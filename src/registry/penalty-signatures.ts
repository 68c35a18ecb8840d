/**
 * The built-in penalties' signatures — formula, doc, parameters, default strength — as data (no
 * TF.js), so a spec is checked (`checkSpec`, penalty-explorer/spec) and a figure labelled without
 * loading the penalties. `penalties/builtins.ts` gives each its function (the compiler checks that
 * every signature has one, and nothing else). Formulas are without the strength λ (applied outside);
 * the table in the README lists them.
 */
import type { CatalogEntry, Positional } from './catalog.ts';
import type { ParamDefs } from './params.ts';

/** The strength a spec gets when it gives none: the reference experiment's. */
export const DEFAULT_STRENGTH = 1e-4;

/** What a penalty is to a spec or a listing: its formula, a line of doc, its parameters and its strength's default. */
export interface PenaltySignature {
  /** The formula over the entries w of one tensor, without the strength, e.g. `Σ|w|`. */
  readonly formula: string;
  /** One line on what it does, with an example spec. */
  readonly doc: string;
  readonly params: ParamDefs;
  /** The strength when a spec gives none (default 1e-4). */
  readonly defaultStrength?: number;
  /** False for a penalty that takes no strength (`none`). */
  readonly takesStrength?: boolean;
  /** True for a penalty with a proximal operator, for the `,prox` mode (a built-in's functions then give it: the compiler checks). */
  readonly proximal?: boolean;
}

/** The built-in penalties' signatures by name: none, l1, l2, l1l2, l3, l4, lp, deadzone. */
export const PENALTY_SIGNATURES = {
  none: { formula: '0', doc: 'No penalty: the baseline.', params: {}, takesStrength: false },
  l1: { formula: 'Σ|w|', doc: 'Lasso. Drives many weights to 0, fast. Example: l1:1e-4', params: {}, proximal: true },
  l2: {
    formula: 'Σw²',
    doc: "Weight decay / ridge; gradient 2λ·w, so PyTorch's weight_decay=wd is l2:wd/2. Gathers weights at 0 more slowly than L1. Example: l2:1e-4",
    params: {},
  },
  l1l2: {
    formula: 'l1·Σ|w| + l2·Σw²',
    doc: 'Elastic net; the strength scales both terms. Example: l1l2:1,l1=1e-4,l2=1e-4',
    params: {
      l1: { default: 1e-4, min: 0, doc: 'weight of Σ|w|' },
      l2: { default: 1e-4, min: 0, doc: 'weight of Σw²' },
    },
    defaultStrength: 1,
    proximal: true,
  },
  l3: { formula: 'Σ|w|³', doc: 'Weak pull near 0: mass hovers around 0 without collapsing. Example: l3:1e-4', params: {} },
  l4: { formula: 'Σw⁴', doc: 'Weaker still near 0; punishes large weights hard. Example: l4:1e-4', params: {} },
  lp: {
    formula: 'Σ|w|^p',
    doc: 'General power; gradient p·sign(w)·|w|^(p−1), taken as 0 at w = 0. Example: lp:1e-4,p=3',
    params: { p: { default: 2, above: 0, doc: 'the power' } },
  },
  deadzone: {
    formula: 'Σ max(0, |w| − a)',
    doc: 'L1 outside [−a, a], nothing inside; element-wise, never negative. Example: deadzone:1e-4,a=0.25',
    params: { a: { default: 0.25, min: 0, doc: 'half-width of the penalty-free zone' } },
    proximal: true,
  },
} as const satisfies Readonly<Record<string, PenaltySignature>>;

/** The name of a built-in penalty: `none`, `l1`, `l2`, `l1l2`, `l3`, `l4`, `lp` or `deadzone`. */
export type BuiltinPenaltyName = keyof typeof PENALTY_SIGNATURES;

/** A penalty in a catalogue, as far as a spec needs it: its entry, its default strength and whether it takes one. */
export interface PenaltyEntry extends CatalogEntry {
  /** The strength when a spec gives none. */
  readonly defaultStrength: number;
  /** False for `none`, which takes no strength. */
  readonly takesStrength: boolean;
  /** True when it has a proximal operator (the `,prox` mode). */
  readonly proximal: boolean;
}

/** A penalty's entry from its signature: the default strength (1e-4), `takesStrength` (true) and `proximal` (false) filled in. */
export function penaltyEntry(name: string, signature: PenaltySignature, builtin: boolean): PenaltyEntry {
  return {
    name,
    builtin,
    formula: signature.formula,
    doc: signature.doc,
    params: signature.params,
    defaultStrength: signature.defaultStrength ?? DEFAULT_STRENGTH,
    takesStrength: signature.takesStrength ?? true,
    proximal: signature.proximal ?? false,
  };
}

/**
 * Why a penalty without a proximal operator cannot take the `,prox` mode, and which can.
 *
 * @example
 * noProximalOperator('l2')   // 'penalty l2 has no proximal operator; the proximal mode (,prox) takes l1, l1l2, deadzone, or a penalty defined with definePenalty({ …, prox })'
 */
export function noProximalOperator(name: string): string {
  const builtins = Object.entries(PENALTY_SIGNATURES as Readonly<Record<string, PenaltySignature>>).filter(([, s]) => s.proximal);
  return `penalty ${name} has no proximal operator; the proximal mode (,prox) takes ${builtins.map(([n]) => n).join(', ')}, or a penalty defined with definePenalty({ …, prox })`;
}

/** True when `formula` is a sum or difference of terms at its top level (outside parentheses): `Σ|w| + Σw²`. */
function hasTopLevelTerms(formula: string): boolean {
  let depth = 0;
  for (let i = 0; i < formula.length; i++) {
    const c = formula[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && (c === '+' || c === '−' || c === '-') && formula[i - 1] === ' ' && formula[i + 1] === ' ') return true;
  }
  return false;
}

/**
 * What the penalty adds to the loss, with its strength: `λ·Σ|w|`, `λ·(l1·Σ|w| + l2·Σw²)`, `0` — of a
 * penalty's definition, entry or signature (one that says `takesStrength: false` has no λ). A formula
 * of several terms is put in parentheses, so λ visibly scales all of them.
 *
 * @example
 * lossFormula(PENALTY_SIGNATURES.l1l2)   // 'λ·(l1·Σ|w| + l2·Σw²)'
 */
export function lossFormula(def: Pick<PenaltySignature, 'formula' | 'takesStrength'>): string {
  if (def.takesStrength === false) return def.formula;
  return hasTopLevelTerms(def.formula) ? `λ·(${def.formula})` : `λ·${def.formula}`;
}

/** A penalty spec's bare value: its strength λ (`l1:1e-4`), finite and ≥ 0, for a penalty that takes one. */
export const PENALTY_STRENGTH: Positional<PenaltyEntry> = {
  name: 'strength',
  of: (e) => (e.takesStrength ? { default: e.defaultStrength, min: 0, doc: 'strength λ' } : undefined),
};
