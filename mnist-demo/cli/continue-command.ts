/**
 * How to continue a command that a signal stopped (interrupts.ts): said on stderr, and given as
 * `interrupted.resume` in its `--json` document.
 *
 *   train, compare, sweep ─► the same command, without `--force` (it would start the folder over,
 *     deleting what was trained) and with `--resume`
 *   start ─► none (npm start starts over; its runs so far stay in figures/runs/quickstart)
 *
 * @example
 * resumeCommand(['train', '--penalty', 'l1:1e-4', '--force'])   // 'penx train --penalty l1:1e-4 --resume'
 * resumeCommand(['plot', 'figures/runs/l1_1e-4'])                // null
 */

/** The commands whose stopped runs continue with `--resume`. */
const RESUMABLE: ReadonlySet<string> = new Set(['train', 'compare', 'sweep']);

/** A shell word, quoted when it holds more than plain characters. */
const shellWord = (a: string) => (/^[\w./:=,+@%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** The command line that continues the stopped command `argv` (as given to penx), or null when none does. */
export function resumeCommand(argv: readonly string[]): string | null {
  const [command, ...rest] = argv;
  if (command === undefined || !RESUMABLE.has(command)) return null;
  const args = rest.filter((a) => a !== '--force');
  return `penx ${[command, ...args, ...(args.includes('--resume') ? [] : ['--resume'])].map(shellWord).join(' ')}`;
}

/** What the `interrupted` line adds: how to continue, e.g. `; continue it with: penx train … --resume`. */
export function continueNote(argv: readonly string[]): string {
  const resume = resumeCommand(argv);
  if (resume) return `; continue it with: ${resume}${argv[0] === 'sweep' ? ' (finished runs are skipped, the others resume)' : ''}`;
  return argv[0] === 'start' ? '; npm start starts over; the runs so far are in figures/runs/quickstart' : '';
}
