/** The reference experiment's names and sizes, as the commands' defaults and help show them. */
export const REFERENCE_PENALTIES = 'none,l1:1e-4,l2:1e-4,l3:1e-4,l4:1e-4,deadzone:1e-4';

/** The reference experiment's optimiser: Keras's Adadelta, as the original study ran it. */
export const REFERENCE_OPTIMIZER = 'adadelta:lr=1,rho=0.95';

/** Where the commands put their run folders without --out (train, compare, sweep, worker, start), and the folder `penx serve` shows without one. */
export const RUNS_FOLDER = 'figures/runs';

/** What `npm start` runs: a seeded subset, a few epochs. */
export const QUICK = { trainSize: 6000, testSize: 2000, epochs: 3, out: RUNS_FOLDER, name: 'quickstart' } as const;

/** The command of the full reference experiment: every reference penalty, all the data, 40 epochs. */
export const FULL_COMMAND = `npx penx compare --penalties ${REFERENCE_PENALTIES} --epochs 40 --name reference`;
