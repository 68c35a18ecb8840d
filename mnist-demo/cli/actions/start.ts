/**
 * `penx start` (what `npm start` runs): the main job — the six reference penalties compared on
 * the bundled MNIST, sized to finish in a few minutes on a 2-core machine: a seeded subset and a
 * few epochs. The full experiment is the same comparison with all data and 40 epochs. `--json`: as `penx compare --json`.
 */
import { splitSpecList, useQuietCpu } from 'penalty-explorer/node';
import { FULL_COMMAND, QUICK, REFERENCE_OPTIMIZER, REFERENCE_PENALTIES } from '../../experiment/reference.ts';
import type { Experiment } from '../../experiment/types.ts';
import type { BackendFlags } from '../backend-options.ts';
import { threadsFlag } from '../flag-values.ts';
import { compareRuns, comparisonRuns } from './compare.ts';

/** The flags of `penx start`, as commander gives them (text, checked by the action). */
export interface StartFlags extends BackendFlags {
  /** One JSON document at the end, as `penx compare --json` prints it. */
  readonly json?: boolean;
}

/** `penx start` (see the file's comment): the quick reference comparison, and the command of the full one printed. */
export async function start(flags: StartFlags): Promise<void> {
  // Checked before the plan is said: a refused start does not announce the folder it would replace.
  threadsFlag(flags.threads);
  console.error(
    `penx start: ${QUICK.epochs} epochs on ${QUICK.trainSize} of the 60 000 training images (tested on ${QUICK.testSize}), ` +
      `sized to finish in a few minutes on 2 cores; ${QUICK.out}/${QUICK.name} is replaced.\nThe full 40-epoch experiment: ${FULL_COMMAND}`,
  );
  // The penalties are checked on TF.js's cpu backend, quietly (its first use would print TF.js's advert for tfjs-node).
  await useQuietCpu();
  const exp: Experiment = {
    model: { kind: 'reference' },
    penalizeBias: false,
    portable: false,
    data: { trainSize: QUICK.trainSize, testSize: QUICK.testSize },
    epochs: QUICK.epochs,
    batchSize: 128,
    seed: 42,
    optimizer: REFERENCE_OPTIMIZER,
    trackNorms: 'epoch',
    prune: { epochs: 'last' },
    figures: true,
    out: QUICK.out,
    resume: false,
    force: true,
  };
  await compareRuns(async () => ({ exp, runs: await comparisonRuns(splitSpecList(REFERENCE_PENALTIES), undefined), name: QUICK.name }), flags);
}
