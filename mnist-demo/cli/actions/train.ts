/** `penx train`: train a model (the reference CNN by default) with one penalty; per-epoch figures and a report. */
import { join } from 'node:path';
import { useQuietCpu } from 'penalty-explorer/node';
import { runNameFor } from '../../experiment/names.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { loadRunPenalty, parseExperiment } from './parse-experiment.ts';
import { trainRuns } from './session.ts';

export interface TrainFlags extends ExperimentFlags {
  readonly penalty: string;
}

export async function train(flags: TrainFlags): Promise<void> {
  // Everything the user gave is checked before data is read or training starts.
  await useQuietCpu();
  const { penalty, module } = await loadRunPenalty(flags.penalty);
  const exp = await parseExperiment(flags);
  const run = { penalty, ...(module ? { module } : {}), name: flags.name ?? runNameFor(penalty.spec) };
  const [record] = await trainRuns(exp, [run], flags);
  const last = record?.epochs.at(-1);
  console.log(
    `done: ${record?.epochs.length ?? 0} epochs, test accuracy ${last?.testAcc?.toFixed(4) ?? 'n/a'}; report: ${join(exp.out, run.name, 'report.html')}`,
  );
}
