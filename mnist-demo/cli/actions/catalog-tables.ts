/**
 * `penx penalties|constraints|optimizers` without specs: the built-ins' catalogue as a table (name,
 * what it does (`optimizers` also the gradient transforms of `--grad`), parameters with defaults, notes under it) or, with `--json`, as data (catalog-json.ts;
 * `optimizers` the transforms too, after the optimisers, each entry's `kind` saying which)
 * — from their TF.js-free signatures (registry/*-signatures.ts), the same entries, in the same order,
 * as the library's catalogues list in a process that defined none of its own (as penx's, here).
 *
 *   PENALTY_SIGNATURES.l1 ─► penaltyEntry ─► 'l1  λ·Σ|w|  λ=1e-4 (≥ 0)'   (no TF.js)
 */
import type { CatalogEntry } from 'penalty-explorer';
import {
  CONSTRAINT_SIGNATURES,
  describeParams,
  formatNumber,
  lossFormula,
  OPTIMIZER_SIGNATURES,
  PENALTY_SIGNATURES,
  type PenaltyEntry,
  penaltyEntry,
  TRANSFORM_SIGNATURES,
} from 'penalty-explorer/spec';
import { printJson } from '../json.ts';
import { table } from '../table.ts';
import type { JsonOutput } from './catalog-describe.ts';
import { entryJson } from './catalog-json.ts';

/** Each built-in of a kind as its catalogue's entry (name, formula, doc, parameters, built in), in the signatures' order. */
const entries = (signatures: Readonly<Record<string, Omit<CatalogEntry, 'name' | 'builtin'>>>): CatalogEntry[] =>
  Object.entries(signatures).map(([name, s]) => ({ name, formula: s.formula, doc: s.doc, params: s.params, builtin: true }));

const penaltyEntries = () => Object.entries(PENALTY_SIGNATURES).map(([name, s]) => penaltyEntry(name, s, true));

function strengthText(def: PenaltyEntry): string {
  return def.takesStrength ? `λ=${formatNumber(def.defaultStrength)} (≥ 0)` : '';
}

/** A catalogue as a table (name, what it does, parameters with defaults) and notes under it. */
function catalogTable(heading: string, rows: string[][], notes: readonly string[]): string {
  return [table(['name', heading, 'parameters (defaults)'], rows), '', ...notes].join('\n');
}

function penaltyTable(): string {
  const rows = penaltyEntries().map((def) => {
    const params = Object.keys(def.params).length ? describeParams(def.params) : '';
    return [def.name, lossFormula(def), [strengthText(def), params].filter(Boolean).join(', ') || '—'];
  });
  return catalogTable('added to the loss', rows, [
    'Spec: name[:strength][,key=value]*[,prox]   e.g. l1:1e-4  deadzone:1e-4,a=0.25  lp:1e-4,p=3  none',
    'Proximal mode (,prox): l1, l1l2 and deadzone (and penalties defined with a prox) as a proximal step after each update: exact zeros, e.g. l1:1e-4,prox',
    'Your own: a module whose default export is definePenalty({ name, params, fn }), e.g. ./my-penalty.ts:1e-4,k=2',
  ]);
}

const constraintTable = () =>
  catalogTable(
    'applied after every update',
    entries(CONSTRAINT_SIGNATURES).map((def) => [def.name, `w ← ${def.formula}`, describeParams(def.params)]),
    [
      'Spec: name[:key=value[,key=value]*]   e.g. maxnorm:m=2  minmaxnorm:min=0,max=5,rate=0.1  nonneg',
      'Your own: a module whose default export is defineConstraint({ name, params, fn }), e.g. ./my-constraint.ts:c=1',
    ],
  );

/** The optimisers, then the gradient transforms `--grad` applies before them (each on the weights its pattern matches). */
const optimizerTable = () =>
  [
    catalogTable(
      'update',
      entries(OPTIMIZER_SIGNATURES).map((def) => [def.name, def.formula, describeParams(def.params)]),
      [
        'Spec: name[:key=value[,key=value]*]   e.g. adamw:lr=1e-3,wd=1e-4  adadelta:lr=1,rho=0.95 (the reference)',
        "Per layer: --lr-mult 'conv2d_1=0.1,dense*=2' (exact learning rates)  --grad 'conv*:clipnorm=1;dense_2:zero'",
      ],
    ),
    catalogTable(
      'gradient transform (--grad)',
      entries(TRANSFORM_SIGNATURES).map((def) => [def.name, def.formula, describeParams(def.params)]),
      [
        "--grad 'pattern:name[=value][,…][;…]', in order, on the weights each pattern matches, e.g. --grad '*:clipglobalnorm=1' (one norm over every weight)",
        'Your own: a module whose default export is defineGradientTransform({ name, params, fn }), e.g. dense_1:./my-transform.ts',
      ],
    ),
  ].join('\n\n');

/** Each catalogue: its table, and its entries as data. */
const CATALOGUES = {
  penalties: {
    table: penaltyTable,
    json: () => penaltyEntries().map((d) => entryJson(d, lossFormula(d), d.takesStrength ? { strength: { default: d.defaultStrength, min: 0 } } : {})),
  },
  constraints: { table: constraintTable, json: () => entries(CONSTRAINT_SIGNATURES).map((d) => entryJson(d, `w ← ${d.formula}`)) },
  // As its table: the optimisers, then the gradient transforms --grad takes, each entry saying which it is (`kind`).
  optimizers: {
    table: optimizerTable,
    json: () => [
      ...entries(OPTIMIZER_SIGNATURES).map((d) => entryJson(d, d.formula, { kind: 'optimizer' })),
      ...entries(TRANSFORM_SIGNATURES).map((d) => entryJson(d, d.formula, { kind: 'transform' })),
    ],
  },
} as const;

/** `penx penalties|constraints|optimizers` without specs: the catalogue as its table, or (`--json`) data; exit code 0. */
export function listCatalogue(name: keyof typeof CATALOGUES, options: JsonOutput = {}): number {
  if (options.json) printJson(CATALOGUES[name].json());
  else console.log(CATALOGUES[name].table());
  return 0;
}
