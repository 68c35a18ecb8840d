/**
 * The `penx` command line. Importing this is cheap: commands are defined here (options, help);
 * each loads its work (TF.js, figures, …) only when it runs, so `penx --help` starts fast.
 *
 *   argv ──► commander (commands, --help) ──► the command's flags checked (flag-values.ts, no TF.js)
 *        ──► the library loaded ──► command action (actions/) ──► exit code
 *                                   │
 *                                   ├─ a flag commander refuses ──► its usage message, exit 2 (--help, --version: 0)
 *                                   ├─ the library's errors, by class (EXIT_CODES) ──► one message on stderr, exit 2
 *                                   │    UsageError, SpecError, DataError, IOError (bad input: what was wrong, what would be right;
 *                                   │    a folder refused, a checkpoint missing, too few epochs: with the flag that would do)
 *                                   ├─ DivergedError (a valid run's loss or weights became NaN or ±∞: a runtime outcome, not bad input) ──► one line, exit 1
 *                                   ├─ InterruptedError (Ctrl-C or SIGTERM, see interrupts.ts) ──► how to continue, exit 130 (143)
 *                                   └─ anything else (a fault of penx itself) ──► its stack, exit 1
 *
 * Every message shown passes through `redactCredentials`: a password in a URL is never printed.
 * Only `penalty-explorer/errors` and `penalty-explorer/spec` (no TF.js) are loaded up front, so a flag
 * refused is refused in ~0.1 s; the library itself once the flags passed, when an action runs.
 */
import { Command, CommanderError } from 'commander';
import {
  CheckpointMissingError,
  DataError,
  InterruptedError,
  IOError,
  ResumeEpochsError,
  redactCredentials,
  SpecError,
  UsageError,
} from 'penalty-explorer/errors';
import { addSweepCommands } from './commands/sweep.ts';
import { addToolCommands, GUARDS_ITSELF } from './commands/tools.ts';
import { addTrainingCommands } from './commands/training.ts';
import { continueNote, resumeCommand } from './continue-command.ts';
import { folderRefusalText } from './folder-remedy.ts';
import { Interrupts, installInterrupts, STOP_SIGNALS, type StopSignal } from './interrupts.ts';
import { printable } from './table.ts';
import { TermRelay } from './term-relay.ts';

/** The exit code of each class of the library's errors: all of them bad input, said in one message. */
const EXIT_CODES: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, number]> = [
  [UsageError, 2],
  [SpecError, 2],
  [DataError, 2],
  [IOError, 2],
];

/** Run the command line on `argv` (without node and the script): resolves to the exit code (see the file's comment). */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  // Ctrl-C or SIGTERM: a run stops at its next safe point (a second signal exits at once), its lock
  // released, with one line saying how to continue, exit code 130 (SIGTERM: 143); user code that
  // never returns, or a training step, is interrupted by the guard (on SIGINT; SIGTERM relayed to it).
  const relay = new TermRelay();
  const interrupts = new Interrupts(
    (code) => process.exit(code),
    (line) => console.error(line),
    () => redactCredentials(continueNote(argv)),
    () => {
      const command = resumeCommand(argv);
      return command && redactCredentials(command);
    },
    relay,
  );
  installInterrupts(interrupts);
  for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) process.on(signal, () => interrupts.onSignal(signal));
  // A message may quote a record's strings: printed without the control characters a terminal acts on.
  const say = (line: string) => console.error(printable(redactCredentials(line)));
  const program = new Command('penx')
    .description('Explore weight penalties and constraints on TensorFlow.js: train, then see what they do to the weights.')
    .version('0.1.0')
    .showHelpAfterError('(run penx --help for usage)')
    // Commander's own usage errors (an unknown command or flag, a missing one) as every other
    // error: 'penx: error: …', without the control characters or credentials of what was typed.
    .configureOutput({ outputError: (text, write) => write(printable(redactCredentials(`penx: ${text}`))) })
    .exitOverride();
  // The library loaded, and user code (penalties, constraints, transforms, monitors) guarded so Ctrl-C interrupts it.
  const guardUserCode = async (): Promise<void> => {
    const node = await import('penalty-explorer/node');
    node.guardUserCode({ onInterrupt: () => interrupts.userCodeInterrupted(), onGuarded: (watched) => relay.setGuarded(watched) });
    interrupts.holdSigintWith(node.holdSigint);
  };
  addTrainingCommands(program);
  addToolCommands(program, (code) => (exitCode = code), guardUserCode);
  addSweepCommands(program, (code) => (exitCode = code));
  for (const command of program.commands) {
    // A usage error of a command points at that command's help.
    command.showHelpAfterError(`(run penx ${command.name()} --help for usage)`);
    // After the command's own checks of its flags (its hooks, which load no TF.js: a refused flag
    // costs no library load), before it runs — but for a command that does so itself, when it
    // needs the library (GUARDS_ITSELF).
    if (!GUARDS_ITSELF.has(command.name())) command.hook('preAction', guardUserCode);
  }
  // No command, or an unknown one (`penx nosuch`, `penx help nosuch`): what was wrong, and the commands
  // there are — not commander's whole help on stderr with no word of what was wrong.
  const commandsAre = `the commands are ${program
    .createHelp()
    .visibleCommands(program)
    .map((command) => command.name())
    .join(', ')}`;
  const isCommand = (name: string) => program.commands.some((command) => command.name() === name || command.aliases().includes(name));
  program.on('command:*', ([name]: string[]) => program.error(`error: unknown command '${name}'; ${commandsAre}`, { code: 'commander.unknownCommand' }));
  try {
    if (argv.length === 0) program.error(`error: no command given (penx <command> [options]); ${commandsAre}`, { code: 'commander.missingCommand' });
    if (argv[0] === 'help' && argv[1] !== undefined && !isCommand(argv[1])) {
      program.error(`error: unknown command '${argv[1]}'; ${commandsAre}`, { code: 'commander.unknownCommand' });
    }
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    const refusal = folderRefusalText(argv[0], err);
    if (refusal !== undefined) {
      say(`penx: error: ${refusal}`);
      return 2;
    }
    if (err instanceof CheckpointMissingError) {
      say(`penx: error: ${err.message}; --force starts it over, its record replaced`);
      return 2;
    }
    if (err instanceof ResumeEpochsError) {
      say(`penx: error: ${err.message} (--epochs); --force starts it over, its record replaced`);
      return 2;
    }
    const code = EXIT_CODES.find(([cls]) => err instanceof cls)?.[1];
    if (code !== undefined) {
      say(`penx: error: ${(err as Error).message}`);
      return code;
    }
    // Thrown by a run that trained, so the library is loaded already.
    const { DivergedError } = await import('penalty-explorer');
    if (err instanceof DivergedError) {
      say(`penx: stopped: ${err.message}`);
      return 1;
    }
    if (err instanceof InterruptedError) {
      say(interrupts.stoppedText());
      return interrupts.exitCode();
    }
    // A fault of penx itself: its stack, with any password in it hidden.
    say(redactCredentials((err as Error)?.stack ?? String(err)));
    return 1;
  }
  return exitCode;
}
