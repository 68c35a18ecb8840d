/**
 * `penx train`: train a model (the reference CNN by default) with one penalty; per-epoch figures and a report.
 * `--json`: one JSON document at the end, `{ out, kind: 'run', dir, runs: [the run], interrupted }`
 * (run-json.ts), also when the run diverged (exit 1) or a signal stopped it (exit 130, 143;
 * `interrupted`: how it stopped and the command that resumes it, else null).
 */
import { join, resolve } from 'node:path';
import { DivergedError, useQuietCpu } from 'penalty-explorer/node';
import { runNameFor } from '../../experiment/names.ts';
import { counted } from '../../words.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { withJson } from '../json.ts';
import { loadRunPenalty, parseExperiment } from './parse-experiment.ts';
import { folderJson } from './run-json.ts';
import { trainRuns, whereToLook } from './session.ts';

/** The flags of `penx train`, as commander gives them (text, checked by the action). */
export interface TrainFlags extends ExperimentFlags {
  readonly penalty: string;
  readonly json?: boolean;
}

/** `penx train` (see the file's comment). */
export async function train(flags: TrainFlags): Promise<void> {
  let out = '';
  let dir = '';
  await withJson(
    flags.json,
    async () => {
      // Everything the user gave is checked before data is read or training starts.
      await useQuietCpu();
      const { penalty, module } = await loadRunPenalty(flags.penalty);
      const exp = await parseExperiment(flags);
      const run = { penalty, ...(module ? { module } : {}), name: flags.name ?? runNameFor(penalty.spec) };
      out = exp.out;
      dir = join(exp.out, run.name);
      await trainRuns(exp, [run], flags, {
        finished: ([record]) => {
          const last = record?.epochs.at(-1);
          const epochs = record?.epochs.length ?? 0;
          console.log(`done: ${counted(epochs, 'epoch')}, test accuracy ${last?.testAcc?.toFixed(4) ?? 'n/a'}; ${whereToLook(exp, dir)}`);
        },
      });
    },
    // Stopped before its folder was named (while its penalty's module loaded): nothing written, no document.
    (interrupted) => (dir === '' ? undefined : { out: resolve(out), ...folderJson('run', dir), interrupted }),
    (err) => err instanceof DivergedError,
  );
}
