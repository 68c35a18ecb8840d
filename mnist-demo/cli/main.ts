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
import { addToolCommands } from './commands/tools.ts';
import { addTrainingCommands } from './commands/training.ts';

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('penx')
    .description('Explore weight penalties and constraints on TensorFlow.js: train, then see what they do to the weights.')
    .version('0.1.0')
    .showHelpAfterError('(run penx --help for usage)')
    .exitOverride();
  addTrainingCommands(program);
  addToolCommands(program, (code) => (exitCode = code));
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
