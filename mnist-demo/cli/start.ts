/**
 * `penx start` (what `npm start` runs): the main job — the six reference penalties compared on
 * the bundled MNIST, sized to finish within about 10 minutes on a 2-core machine: a seeded subset
 * and a few epochs. The full experiment is the same command with all data and 40 epochs.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { splitSpecList } from '../../src/index.ts';
import { addBackendOptions, type BackendFlags } from './backend-options.ts';
import { compare, printSummary, REFERENCE_PENALTIES } from './compare-command.ts';
import { REFERENCE_OPTIMIZER } from './training-options.ts';

export const QUICK = { trainSize: 6000, testSize: 2000, epochs: 3, out: 'figures/runs', name: 'quickstart' } as const;
export const FULL_COMMAND = `npx penx compare --penalties ${REFERENCE_PENALTIES} --epochs 40 --name reference`;

export function addStartCommand(program: Command): void {
  addBackendOptions(program.command('start').description('the main job: compare none, l1, l2, l3, l4 and deadzone on the bundled MNIST (about 10 minutes)')).action(
    async (flags: BackendFlags) => {
      const dir = join(QUICK.out, QUICK.name);
      console.error(
        `penx start: ${QUICK.epochs} epochs on ${QUICK.trainSize} of the 60 000 training images (tested on ${QUICK.testSize}), ` +
          `sized to finish in about 10 minutes on 2 cores; ${dir} is replaced.\nThe full 40-epoch experiment: ${FULL_COMMAND}`,
      );
      const runs = await compare(
        splitSpecList(REFERENCE_PENALTIES),
        { epochs: QUICK.epochs, batchSize: 128, seed: 42, trainSize: QUICK.trainSize, testSize: QUICK.testSize, out: QUICK.out, resume: false, force: true, penalizeBias: false, optimizer: REFERENCE_OPTIMIZER, trackNorms: 'epoch' },
        dir,
        flags,
      );
      printSummary(runs);
      console.log(`report: ${join(dir, 'report.html')}`);
    },
  );
}
