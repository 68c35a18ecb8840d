/**
 * What `penx` says about a folder the library refused, in the flags of the command that met it:
 * the library's problem, then a remedy worded by what the command meant to do with the folder (the
 * refusal's `intent`) and by the command.
 *
 *   FolderExistsError ──► `<what> <dir> already exists; <remedy>`
 *   OlderFolderError  ──► its problem (for an output: another --out too); or `penx adopt <dir>` (other entries
 *                         refused too: the others moved, those an older penx listed adopted instead)
 *   FolderRefusedError ─► its problem; <remedy> (a WrongKindError redrawn by plot: its record drawn into a new folder);
 *                         with the library's own remedy (entries to move): its problem; its remedy; or <remedy>
 *                         (a folder the command updates, plot's redraw: its problem; its remedy)
 *
 * @example
 * folderRefusalText('plot', new FolderExistsError('runs/x', 'run folder'))
 * // 'run folder runs/x already exists; give another --out DIR (without --out, penx plot draws DIR/NAME.json into DIR/NAME)'
 */
import { join } from 'node:path';
import { FolderExistsError, FolderRefusedError, OlderFolderError, WrongKindError } from 'penalty-explorer/errors';
import { RUNS_FOLDER } from '../experiment/reference.ts';

/**
 * Where a command puts its output without --out, for those whose output folder can be refused: said
 * with "give another --out", so a user who never gave --out learns the flag and the default.
 */
const DEFAULT_OUT: Readonly<Record<string, string>> = {
  prune: 'penx prune writes RUN/pruned',
  // plot.ts's record file target: the file's name without .json, next to it.
  plot: 'penx plot draws DIR/NAME.json into DIR/NAME',
  worker: `penx worker trains the sweeps in ${RUNS_FOLDER}`,
};

/** Another folder for a command's output, e.g. `give another --out DIR (without --out, penx prune writes RUN/pruned)`. */
export function outputRemedy(command: string | undefined): string {
  const fallback = command === undefined ? undefined : DEFAULT_OUT[command];
  return fallback ? `give another --out DIR (without --out, ${fallback})` : 'give another --out';
}

/**
 * What to do about a folder of penx's of another kind than `penx plot` redraws there (a run.json in a
 * comparison's folder, say): its kind said, and its run record drawn into a new run folder.
 *
 * @example
 * kindRemedy(new WrongKindError('runs/cmp', { problem: '…', holds: 'comparison', wanted: 'run' }, 'write'))
 * // 'penx plot redraws a run only in a run folder penx wrote, and runs/cmp is a comparison folder;
 * //  penx plot runs/cmp/run.json --out DIR draws its run.json into a new run folder'
 */
function kindRemedy(err: WrongKindError): string {
  const holds = err.holds === 'pruned' ? 'pruned-model' : err.holds;
  const redraws = `penx plot redraws a ${err.wanted} only in a ${err.wanted} folder penx wrote, and ${err.dir} is a ${holds} folder`;
  if (err.wanted !== 'run') return `${redraws}; give the ${err.wanted}'s own folder`;
  return `${redraws}; penx plot ${join(err.dir, 'run.json')} --out DIR draws its run.json into a new run folder`;
}

/**
 * What to do about a folder in the way, in the flags of the command that met it: by what the command
 * meant to do with the folder where the library says it (`intent`) — update a folder penx wrote
 * (plot's redraw), put an output there (prune's model, a worker's sweeps) — else by the command's flags.
 */
export function folderRemedy(command: string | undefined, err: FolderExistsError | FolderRefusedError): string {
  if (command === 'start')
    return `move ${err.dir} elsewhere (penx start always writes there), or run the same comparison into another folder with penx compare --out DIR --name NAME`;
  if (command === 'adopt') return 'penx adopt takes folders a penx wrote';
  const intent = err instanceof FolderRefusedError ? err.intent : undefined;
  if (command === 'plot' && intent === 'write' && err instanceof WrongKindError) return kindRemedy(err);
  if (intent === 'write') return `penx ${command} ${command === 'plot' ? 'redraws' : 'writes into'} folders penx wrote`;
  if (intent === 'output') return outputRemedy(command);
  // plot's other folder is a record file's new one (its --out, or the default named); a worker's is its --out.
  if (command === 'plot' || command === 'worker') return outputRemedy(command);
  if (err instanceof FolderExistsError) return 'use --resume to continue it or --force to start it over';
  return 'give another --name or --out';
}

/** What `penx <command>` says (after `penx: error: `) about a folder refusal of the library's, or undefined for another error. */
export function folderRefusalText(command: string | undefined, err: unknown): string | undefined {
  if (err instanceof FolderExistsError) return `${err.what} ${err.dir} already exists; ${folderRemedy(command, err)}`;
  if (err instanceof OlderFolderError) {
    // An output's folder: the flag that puts it elsewhere named (the library says only "another folder").
    const elsewhere = err.intent === 'output' ? `; ${outputRemedy(command)}` : '';
    const adopt = `penx adopt ${err.dir} records them as penx's`;
    // Other entries refused too: adopting leaves them, so the command runs only once they are moved.
    if (!err.onlyOlder)
      return `${err.problem}${elsewhere}; those an older penx listed need not move: if they are still as it left them, ${adopt}; then run the command again`;
    return `${err.problem}${elsewhere}; or, if its files are still as the older penx left them, ${adopt} and the command can run`;
  }
  if (!(err instanceof FolderRefusedError)) return undefined;
  // What to do in the folder (entries to move), when the library knows it: the command's remedy the alternative
  // to it — none for a folder the command updates (plot's redraw), which is the folder it is given.
  if (err.remedy && err.intent === 'write') return `${err.problem}; ${err.remedy}`;
  return `${err.problem}; ${err.remedy ? `${err.remedy}; or ` : ''}${folderRemedy(command, err)}`;
}
