/**
 * `penx penalties|constraints|optimizers [SPEC…]`: with no spec, the catalogue as a table; with
 * specs, each one parsed by the same parser every command uses and printed in its normalised form
 * with its formula (exit 2 if any is bad: catalog-describe.ts; `penx penalties SPEC…` describes a
 * built-in without the library: catalog-specs.ts). With `--json`, the same as data (see catalog-json.ts).
 */
import {
  constraintCatalog,
  describeParams,
  formatNumber,
  loadConstraint,
  lossFormula,
  optimizerCatalog,
  optimizerSpec,
  type PenaltyDefinition,
  penaltyCatalog,
  useQuietCpu,
} from 'penalty-explorer/node';
import { printJson } from '../json.ts';
import { table } from '../table.ts';
import { describeSpecs, type JsonOutput, origin, type Resolved } from './catalog-describe.ts';
import { entryJson } from './catalog-json.ts';
import { loadRunPenalty } from './parse-experiment.ts';

function strengthText(def: PenaltyDefinition): string {
  return def.takesStrength ? `λ=${formatNumber(def.defaultStrength)} (≥ 0)` : '';
}

/** A catalogue as a table (name, what it does, parameters with defaults) and notes under it. */
function catalogTable(heading: string, rows: string[][], notes: readonly string[]): string {
  return [table(['name', heading, 'parameters (defaults)'], rows), '', ...notes].join('\n');
}

function penaltyTable(): string {
  const rows = penaltyCatalog.list().map((def) => {
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
    constraintCatalog.list().map((def) => [def.name, `w ← ${def.formula}`, describeParams(def.params)]),
    [
      'Spec: name[:key=value[,key=value]*]   e.g. maxnorm:m=2  minmaxnorm:min=0,max=5,rate=0.1  nonneg',
      'Your own: a module whose default export is defineConstraint({ name, params, fn }), e.g. ./my-constraint.ts:c=1',
    ],
  );

const optimizerTable = () =>
  catalogTable(
    'update',
    optimizerCatalog.list().map((def) => [def.name, def.formula, describeParams(def.params)]),
    [
      'Spec: name[:key=value[,key=value]*]   e.g. adamw:lr=1e-3,wd=1e-4  adadelta:lr=1,rho=0.95 (the reference)',
      "Per layer: --lr-mult 'conv2d_1=0.1,dense*=2' (exact learning rates)  --grad 'conv*:clipnorm=1;dense_2:zero'",
    ],
  );

/** A catalogue as its table, or with `json` as data: exit code 0. */
function listCatalogue(tableText: () => string, json?: () => object[]): number {
  if (json) printJson(json());
  else console.log(tableText());
  return 0;
}

/** A catalogue command: with no specs its table; else each spec checked (exit code 2 if any is bad). */
async function listOrCheck(specs: readonly string[], tableText: () => string, load: (s: string) => Promise<Resolved>, json?: () => object[]): Promise<number> {
  return specs.length === 0 ? listCatalogue(tableText, json) : describeSpecs(specs, load, Boolean(json));
}

/** `penx penalties` without specs: the catalogue, as a table or (`--json`) data. */
export function penaltyCatalogue(options: JsonOutput = {}): number {
  const json = () =>
    penaltyCatalog.list().map((d) => entryJson(d, lossFormula(d), d.takesStrength ? { strength: { default: d.defaultStrength, min: 0 } } : {}));
  return listCatalogue(penaltyTable, options.json ? json : undefined);
}

/**
 * How `penx penalties SPEC…` describes a spec once the library is needed (a module's): loaded as a
 * run's penalty is (imported and probed, on the quiet cpu backend), its normalised spec and formula.
 */
export async function penaltyLoader(): Promise<(s: string) => Promise<Resolved>> {
  // Checking specs computes only on tiny probe tensors: the cpu backend suffices.
  await useQuietCpu();
  return async (s) => {
    const { penalty: r } = await loadRunPenalty(s);
    return { spec: r.spec, formula: lossFormula(r.definition), ...origin(s, r.definition.builtin) };
  };
}

/** `penx constraints [SPEC…]`. */
export async function constraints(specs: readonly string[], options: JsonOutput = {}): Promise<number> {
  // Checking specs computes only on tiny probe tensors: the cpu backend suffices.
  await useQuietCpu();
  const json = () => constraintCatalog.list().map((d) => entryJson(d, `w ← ${d.formula}`));
  return listOrCheck(
    specs,
    constraintTable,
    async (s) => {
      const c = await loadConstraint(s);
      return { spec: c.spec, formula: c.definition.formula, ...origin(s, c.definition.builtin) };
    },
    options.json ? json : undefined,
  );
}

/** `penx optimizers [SPEC…]`. */
export async function optimizers(specs: readonly string[], options: JsonOutput = {}): Promise<number> {
  const json = () => optimizerCatalog.list().map((d) => entryJson(d, d.formula));
  return listOrCheck(
    specs,
    optimizerTable,
    async (s) => {
      const o = optimizerSpec(s);
      return { spec: o.spec, formula: o.entry.formula };
    },
    options.json ? json : undefined,
  );
}
