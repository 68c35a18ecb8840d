/**
 * `penx compare`: train one run per penalty (and optimiser) with the same settings, then draw them
 * side by side: `<out>/<name>/<run>/` per run, the comparison's figures and report in `<out>/<name>/`.
 */
import { join, resolve } from 'node:path';
import { DivergedError, optimizerSpec, UsageError } from 'penalty-explorer/node';
import { runNameFor } from '../../experiment/names.ts';
import { runDir } from '../../experiment/run.ts';
import type { Experiment, PenaltyRun } from '../../experiment/types.ts';
import type { BackendFlags } from '../backend-options.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { compareLists } from '../flag-values.ts';
import { withJson } from '../json.ts';
import { loadRunPenalty, parseExperiment } from './parse-experiment.ts';
import { folderJson } from './run-json.ts';
import { printSummary, trainRuns, whereToLook } from './session.ts';

/** The flags of `penx compare`, as commander gives them (text, checked by the action). */
export interface CompareFlags extends ExperimentFlags {
  readonly penalties: string;
  readonly optimizers?: string;
  readonly json?: boolean;
}

/** The runs of a comparison: every penalty under every optimiser (default the experiment's). */
export async function comparisonRuns(specs: readonly string[], optimizers: readonly string[] | undefined): Promise<PenaltyRun[]> {
  const opts = optimizers?.map((o) => optimizerSpec(o).spec);
  const twice = opts?.find((o, i) => opts.indexOf(o) !== i);
  if (twice) throw new UsageError(`--optimizers names ${twice} twice; each optimiser once`);
  const runs: PenaltyRun[] = [];
  for (const spec of specs) {
    const { penalty, module } = await loadRunPenalty(spec);
    for (const optimizer of opts ?? [undefined]) {
      runs.push({
        penalty,
        ...(module ? { module } : {}),
        ...(optimizer ? { optimizer } : {}),
        name: runNameFor(penalty.spec) + (optimizer && opts!.length > 1 ? `__${runNameFor(optimizer)}` : ''),
      });
    }
  }
  const dup = runs.find((r, i) => runs.findIndex((o) => o.name === r.name) !== i);
  if (dup) throw new UsageError(`--penalties names ${dup.penalty.spec} twice; each penalty once`);
  return runs;
}

/** A comparison to train: the settings, its runs and its folder's name (in `exp.out`). */
export interface ComparisonPlan {
  readonly exp: Experiment;
  readonly runs: readonly PenaltyRun[];
  readonly name: string;
}

/**
 * Plan the comparison (flags checked, modules loaded), train its runs into `<out>/<name>` and draw
 * it; prints the summary and where the report is. `--json`: instead one JSON document at the end,
 * `{ out, kind: 'comparison', dir, files, runs, interrupted }` (run-json.ts), also when a run diverged
 * (exit 1) or a signal stopped it (exit 130, 143; `interrupted`: how, and the command that resumes it, else null).
 */
export async function compareRuns(plan: () => Promise<ComparisonPlan>, flags: BackendFlags & { readonly json?: boolean }): Promise<void> {
  let planned: ComparisonPlan | undefined;
  await withJson(
    flags.json,
    async () => {
      planned = await plan();
      const { exp, runs, name } = planned;
      await trainRuns(exp, runs, flags, {
        comparison: name,
        finished: (records) => {
          printSummary(records);
          console.log(whereToLook(exp, join(exp.out, name)));
        },
      });
    },
    (interrupted) => {
      // Stopped before it was planned (while a penalty's module loaded): nothing written, no document.
      if (!planned) return undefined;
      const { exp, runs, name } = planned;
      return {
        out: resolve(exp.out),
        ...folderJson(
          'comparison',
          join(exp.out, name),
          runs.map((r) => runDir(exp, r, name)),
        ),
        interrupted,
      };
    },
    (err) => err instanceof DivergedError,
  );
}

/** `penx compare` (see the file's comment): the comparison planned from the flags, then trained by `compareRuns`. */
export async function compare(flags: CompareFlags): Promise<void> {
  await compareRuns(async () => {
    const exp = await parseExperiment(flags);
    const { penalties, optimizers } = compareLists(flags);
    const name = flags.name ?? 'compare';
    return { exp, runs: await comparisonRuns(penalties, optimizers), name };
  }, flags);
}
