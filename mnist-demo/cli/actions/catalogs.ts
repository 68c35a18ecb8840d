/**
 * `penx penalties|constraints|optimizers [SPEC…]`: with no spec, the catalogue as a table; with
 * specs, each one parsed by the same parser every command uses and printed in its normalised form
 * with its formula (exit 2 if any is bad). With `--json`, the same as data (see catalog-json.ts).
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
  PenaltyExplorerError,
  penaltyCatalog,
  useQuietCpu,
} from 'penalty-explorer/node';
import { printJson, stdoutToStderr } from '../json.ts';
import { table } from '../table.ts';
import { entryJson } from './catalog-json.ts';
import { loadRunPenalty } from './parse-experiment.ts';

/** `--json`: print data instead of text. */
interface JsonOutput {
  readonly json?: boolean;
}

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

interface Resolved {
  /** The normalised spec. */
  readonly spec: string;
  /** The formula as shown for it. */
  readonly formula: string;
  /** Set for a user definition: where it came from. */
  readonly from?: string;
}

async function describeSpecs(specs: readonly string[], load: (s: string) => Promise<Resolved>, json = false): Promise<number> {
  let bad = 0;
  const out: object[] = [];
  for (const text of specs) {
    try {
      const r = json ? await stdoutToStderr(() => load(text)) : await load(text);
      if (json) out.push({ input: text, ...r });
      else console.log(`${r.spec}\t${r.formula}${r.from ? `\t(from ${r.from})` : ''}`);
    } catch (err) {
      if (!(err instanceof PenaltyExplorerError)) throw err;
      console.error(`penx: error: ${err.message}`);
      if (json) out.push({ input: text, error: err.message });
      bad++;
    }
  }
  if (json) printJson(out);
  return bad === 0 ? 0 : 2;
}

/** Where a user definition named in a spec came from (its module path). */
const origin = (text: string, builtin: boolean) => (builtin ? {} : { from: text.split(/[:,]/)[0] as string });

/** A catalogue command: with no specs its table; else each spec checked (exit code 2 if any is bad). */
async function listOrCheck(specs: readonly string[], tableText: () => string, load: (s: string) => Promise<Resolved>, json?: () => object[]): Promise<number> {
  if (specs.length === 0) {
    if (json) printJson(json());
    else console.log(tableText());
    return 0;
  }
  return describeSpecs(specs, load, Boolean(json));
}

/** `penx penalties [SPEC…]`. */
export async function penalties(specs: readonly string[], options: JsonOutput = {}): Promise<number> {
  // Checking specs computes only on tiny probe tensors: the cpu backend suffices.
  await useQuietCpu();
  const json = () =>
    penaltyCatalog.list().map((d) => entryJson(d, lossFormula(d), d.takesStrength ? { strength: { default: d.defaultStrength, min: 0 } } : {}));
  return listOrCheck(
    specs,
    penaltyTable,
    async (s) => {
      const { penalty: r } = await loadRunPenalty(s);
      return { spec: r.spec, formula: lossFormula(r.definition), ...origin(s, r.definition.builtin) };
    },
    options.json ? json : undefined,
  );
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
