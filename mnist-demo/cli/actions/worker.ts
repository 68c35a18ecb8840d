/**
 * `penx worker --queue URL --out DIR`: train runs of queued sweeps on this machine until stopped
 * (experiment/sweep-worker.ts). Ctrl-C or SIGTERM puts its runs back on the queue and exits; a
 * second one exits at once. Its log goes to stderr, with its runs' training lines (progress, as every
 * command's); stdout holds nothing but, with `--json`, once stopped, one document: `{ queue, out, worker, jobs }`, each run it took and how it ended (experiment/worker-jobs.ts).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { redactCredentials } from 'penalty-explorer/node';
import { type SweepWorker, startWorker } from '../../experiment/sweep-worker.ts';
import { workerValues } from '../flag-values.ts';
import { folderRefusalText } from '../folder-remedy.ts';
import { withJson } from '../json.ts';

/** The flags of `penx worker`, as commander gives them (text, checked by the action). */
export interface WorkerFlags {
  readonly queue: string;
  readonly out: string;
  readonly concurrency: string;
  readonly threads?: string;
  readonly json?: boolean;
}

/** `penx worker` (see the file's comment): resolves once the worker is stopped. */
export async function worker(flags: WorkerFlags): Promise<void> {
  const given = workerValues(flags);
  const concurrency = given.concurrency;
  const threads = given.threads ?? availableParallelism();
  let w: SweepWorker | undefined;
  await withJson(
    flags.json,
    async () => {
      w = await startWorker({
        url: flags.queue,
        out: flags.out,
        concurrency,
        threads,
        // Its log, as the training lines, is progress: on stderr (stdout holds only the --json document).
        log: (line) => console.error(line),
        onLine: (line) => console.error(line),
        // A job's sweep folder refused: the reason `penx sweep` gives (its --name and --out named that folder).
        refusalText: (err) => folderRefusalText('sweep', err),
      });
      await untilStopped(w);
    },
    () => ({ queue: redactCredentials(flags.queue), out: resolve(flags.out), worker: w?.name, jobs: w?.jobs ?? [] }),
  );
}

/** Wait for Ctrl-C or SIGTERM, then stop `w` (its runs put back on the queue); a second signal exits at once. */
function untilStopped(w: SweepWorker): Promise<void> {
  // This command's own stop replaces the command line's Ctrl-C and SIGTERM handling (which exits at once).
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.error(`worker ${w.name}: ${signal}: putting its runs back on the queue and stopping (again to stop at once)`);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      void w.stop().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
