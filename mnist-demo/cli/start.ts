/**
 * `penx start` (what `npm start` runs): the main job, comparing the six reference penalties on
 * the bundled MNIST. Training at a usable speed and the comparison figures are not built yet;
 * until then it says so and shows what works today.
 */
import type { Command } from 'commander';

export function addStartCommand(program: Command): void {
  program
    .command('start')
    .description('the main job: compare none, l1, l2, l3, l4 and deadzone on the bundled MNIST')
    .action(() => {
      console.log(
        [
          'penx start: not yet. Training the MNIST comparison (penx train / penx compare) is still being built.',
          'What works today:',
          '  npx penx penalties                     the penalties, their formulas and parameters',
          '  npx penx penalties deadzone:1e-4,a=0.3 check a spec and print its normalised form',
          '  npx penx constraints                   the constraints applied after every update',
          'and the library: penalty(), definePenalty(), constraint(), trainStep() (see README.md).',
        ].join('\n'),
      );
    });
}
