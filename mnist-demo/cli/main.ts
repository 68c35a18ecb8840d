/**
 * The `penx` command line.
 *
 *   argv ──► commander (commands, --help) ──► command action ──► exit code
 *                                   │
 *                                   ├─ SpecError / usage error ──► one message on stderr, exit 2
 *                                   └─ DivergedError (NaN loss) ──► one message on stderr, exit 1
 */
import { Command, CommanderError } from 'commander';
import { SpecError } from '../../src/index.ts';
import { DivergedError } from '../train/trainer.ts';
import { addCatalogCommands } from './catalog-commands.ts';
import { addBenchCommand } from './bench-command.ts';
import { addStartCommand } from './start.ts';
import { addTrainCommand } from './train-command.ts';
import { addCompareCommand } from './compare-command.ts';
import { addPlotCommand } from './plot-command.ts';

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('penx')
    .description('Explore weight penalties and constraints on TensorFlow.js: train, then see what they do to the weights.')
    .version('0.1.0')
    .showHelpAfterError('(run penx --help for usage)')
    .exitOverride();
  addCatalogCommands(program, (code) => (exitCode = code));
  addTrainCommand(program);
  addCompareCommand(program);
  addPlotCommand(program);
  addStartCommand(program);
  addBenchCommand(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
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
