/**
 * How to continue a command that a signal stopped (interrupts.ts): said on stderr, and given as
 * `interrupted.resume` in its `--json` document.
 *
 *   train, compare, sweep ─► the same command, without `--force` (it would start the folder over,
 *     deleting what was trained) and with `--resume`
 *   sweep --queue (following it) ─► nothing was stopped but the following: the runs go on on the
 *     workers; the same command follows it again (`--status` shows it); --status, --remove ─► none
 *   start ─► none (npm start starts over; its runs so far stay in figures/runs/quickstart)
 *
 * @example
 * resumeCommand(['train', '--penalty', 'l1:1e-4', '--force'])   // 'penx train --penalty l1:1e-4 --resume'
 * resumeCommand(['sweep', '--queue', 'redis://h:6379', '--name', 'lambda', '--penalties', 'l1'])   // 'penx sweep --queue redis://h:6379 --name lambda --penalties l1'
 * resumeCommand(['plot', 'figures/runs/l1_1e-4'])                // null
 */

/** The commands whose stopped runs continue with `--resume`. */
const RESUMABLE: ReadonlySet<string> = new Set(['train', 'compare', 'sweep']);

/** A shell word, quoted when it holds more than plain characters. */
const shellWord = (a: string) => (/^[\w./:=,+@%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** True when `argv` gives the flag `name` (alone or as `--name=value`). */
const gives = (argv: readonly string[], name: string) => argv.some((a) => a === name || a.startsWith(`${name}=`));

/** True for `penx sweep --queue …` following its sweep: a Ctrl-C stops the following, not the runs (the workers train them). */
const followsQueue = (argv: readonly string[]) => argv[0] === 'sweep' && gives(argv, '--queue');

/** The command line that continues the stopped command `argv` (as given to penx), or null when none does. */
export function resumeCommand(argv: readonly string[]): string | null {
  const [command, ...rest] = argv;
  if (command === undefined || !RESUMABLE.has(command)) return null;
  if (followsQueue(argv) && (gives(rest, '--status') || gives(rest, '--remove'))) return null;
  const args = rest.filter((a) => a !== '--force');
  const resume = followsQueue(argv) || args.includes('--resume') ? [] : ['--resume'];
  return `penx ${[command, ...args, ...resume].map(shellWord).join(' ')}`;
}

/** What the `interrupted` line adds: how to continue, e.g. `; continue it with: penx train … --resume`. */
export function continueNote(argv: readonly string[]): string {
  const resume = resumeCommand(argv);
  if (resume && followsQueue(argv)) return `; stopped following the sweep, whose runs go on on the workers; follow it again with: ${resume}`;
  if (resume) return `; continue it with: ${resume}${argv[0] === 'sweep' ? ' (finished runs are skipped, the others resume)' : ''}`;
  return argv[0] === 'start' ? '; npm start starts over; the runs so far are in figures/runs/quickstart' : '';
}
