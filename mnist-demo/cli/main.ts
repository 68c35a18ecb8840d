/**
 * The `penx` command line. Importing this is cheap: commands are defined here (options, help);
 * each loads its work (TF.js, figures, …) only when it runs, so `penx --help` starts fast.
 *
 *   argv ──► commander (commands, --help) ──► command action (../actions/) ──► exit code
 *                                   │
 *                                   ├─ SpecError / usage error ──► one message on stderr, exit 2
 *                                   └─ DivergedError (NaN loss) ──► one message on stderr, exit 1
 */
import { Command, CommanderError } from 'commander';
import { FolderExistsError } from '../../src/record/errors.ts';
import { SpecError } from '../../src/spec/errors.ts';
import { DivergedError } from '../../src/training/diverged.ts';
import { addSweepCommands } from './commands/sweep.ts';
import { addToolCommands } from './commands/tools.ts';
import { addTrainingCommands } from './commands/training.ts';

/** A shell word, quoted when it holds more than plain characters. */
const shellWord = (a: string) => (/^[\w./:=,+@%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** What to say on Ctrl-C: how to continue a training command. */
function interruptNote(argv: readonly string[]): string {
  const [command, ...rest] = argv;
  if (command === 'train' || command === 'compare') {
    const args = rest.filter((a) => a !== '--force');
    return `; continue it with: penx ${[command, ...args, ...(args.includes('--resume') ? [] : ['--resume'])].map(shellWord).join(' ')}`;
  }
  if (command === 'sweep') return '; continue it with the same command: finished runs are skipped, the others resume';
  return command === 'start' ? '; npm start starts over; the runs so far are in figures/runs/quickstart' : '';
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  // Ctrl-C: one line saying how to continue, exit code 130 (the lock of a run folder goes at exit;
  // temporary files are removed by the next run in that folder).
  process.once('SIGINT', () => {
    console.error(`\npenx: interrupted${interruptNote(argv)}`);
    process.exit(130);
  });
  const program = new Command('penx')
    .description('Explore weight penalties and constraints on TensorFlow.js: train, then see what they do to the weights.')
    .version('0.1.0')
    .showHelpAfterError('(run penx --help for usage)')
    .exitOverride();
  addTrainingCommands(program);
  addToolCommands(program, (code) => (exitCode = code));
  addSweepCommands(program, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof FolderExistsError) {
      console.error(`penx: error: ${err.what} ${err.dir} already exists; use --resume to continue it or --force to start it over`);
      return 2;
    }
    if (err instanceof SpecError) {
      console.error(`penx: error: ${err.message}`);
      return 2;
    }
    if (err instanceof DivergedError) {
      console.error(`penx: stopped: ${err.message}`);
      return 1;
    }
    throw err;
  }
  return exitCode;
}
