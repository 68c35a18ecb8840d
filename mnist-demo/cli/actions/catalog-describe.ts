/**
 * Specs given to `penx penalties|constraints|optimizers SPEC…`, each described on a line (`spec⇥formula`,
 * `⇥(from MODULE)` for a user's definition) or, with `--json`, as one object in a list; a bad one is
 * said on stderr (exit code 2 once all are described). No TF.js here: what describes a spec is the
 * caller's (catalogs.ts; catalog-specs.ts for a built-in penalty).
 */
import { PenaltyExplorerError } from 'penalty-explorer/errors';
import { printJson, stdoutToStderr } from '../json.ts';

/** `--json`: print data instead of text. */
export interface JsonOutput {
  readonly json?: boolean;
}

/** A spec as described. */
export interface Resolved {
  /** The normalised spec. */
  readonly spec: string;
  /** The formula as shown for it. */
  readonly formula: string;
  /** Set for a user definition: where it came from. */
  readonly from?: string;
}

/** Each of `specs` described by `load` (see the file's comment): the exit code, 2 when one is bad. */
export async function describeSpecs(specs: readonly string[], load: (s: string) => Promise<Resolved>, json = false): Promise<number> {
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
export const origin = (text: string, builtin: boolean) => (builtin ? {} : { from: text.split(/[:,]/)[0] as string });
