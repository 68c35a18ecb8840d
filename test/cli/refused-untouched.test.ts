/**
 * A refused command changes nothing, also when the refusal comes from a flag checked late or from
 * the second of several folders: every folder is judged and every flag checked before the first
 * byte is written or deleted (`--force` deletes, so a refusal after it would lose a finished run).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFolder } from '../../src/folders/owner.ts';
import { processStart } from '../../src/io/index.ts';
import { until } from '../wait.ts';
import { penx, penxWith, spawnPenxPiped, stopped, TINY, tfjsNodeInstalled } from './run-penx.ts';
import { tree, userFolder } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-refused-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const out = join(root, 'runs');
const SWEEP = ['sweep', '--penalties', 'l1', '--strengths', '1e-4', '--seeds', '1', '--epochs', '1', ...TINY, '--jobs', '1', '--out', out];
/** The run's flags: its prune curve is there for penx prune (it refuses a run without one before it looks at --out). */
const RUN = [...TINY, '--prune-epochs', 'last', '--out', out, '--name', 'run'];

/**
 * A sweep, a run (`run`, l1:1e-4, with its prune curve) and a comparison (`cmp-two`: none, l1:1e-4) written by penx, the
 * run and the comparison of 2 finished epochs each (the --resume tests below ask for fewer, and more).
 */
beforeAll(async () => {
  const made = await Promise.all([
    // Two runs: a grid of one of them leaves the other out (below).
    penx(...SWEEP, '--strengths', '1e-4,1e-3', '--name', 'sw'),
    penx('train', '--penalty', 'l1:1e-4', '--epochs', '2', ...RUN),
    penx('compare', '--penalties', 'none,l1:1e-4', '--epochs', '2', ...TINY, '--out', out, '--name', 'cmp-two'),
  ]);
  for (const r of made) expect(r.code, r.stderr).toBe(0);
}, 180_000);

describe('penx sweep --force with a bad flag', () => {
  it.each<[string, string[], RegExp]>([
    ['--jobs 0', ['--jobs', '0'], /--jobs must be a whole number/],
    ['--threads 0', ['--threads', '0'], /--threads must be a whole number/],
    ['--serve 99999', ['--serve', '99999'], /--serve must be a whole number/],
    // The data is read by the runs' child processes: the sweep checks it itself before taking the folder.
    ['--batch-size 1000', ['--batch-size', '1000'], /--batch-size 1000 is larger than the training set \(128 images\)/],
    ['--test-size 20000', ['--test-size', '20000'], /--test-size 20000 is more than the bundled MNIST's 10000 test images/],
    // The model is built by the runs' child processes: the sweep checks it itself, on TF.js's cpu backend (each run failed, the sweep deleted).
    ['--lr-mult nope=2', ['--lr-mult', 'nope=2'], /learning-rate multiplier pattern 'nope' matches no weight; layers: conv2d_1/],
  ])(
    '%s: exit 2, the finished sweep untouched',
    async (name, flag, message) => {
      const dir = join(out, name.replace(/\W/g, ''));
      cpSync(join(out, 'sw'), dir, { recursive: true });
      const before = tree(dir);
      const r = await penx(...SWEEP, '--name', name.replace(/\W/g, ''), '--force', ...flag);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(tree(dir)).toEqual(before);
    },
    60_000,
  );
});

describe('penx sweep --force on a sweep holding what penx cannot delete', () => {
  it('a sweep.json the user replaced, a run another live process holds locked: exit 2, the sweep untouched', async () => {
    const dir = join(out, 'sw-held');
    cpSync(join(out, 'sw'), dir, { recursive: true });
    writeFileSync(join(dir, 'sweep.json'), '{"my":"notes"}');
    const replaced = tree(dir);
    const r = await penx(...SWEEP, '--name', 'sw-held', '--force');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('cannot prove it wrote: sweep.json (its content is not what penalty-explorer wrote there); nothing was touched');
    expect(tree(dir)).toEqual(replaced);
    // Its own sweep.json back; one of its runs in use by a live process (the test runner's parent stands in for it).
    cpSync(join(out, 'sw', 'sweep.json'), join(dir, 'sweep.json'));
    const run = join(dir, 'l1_1e-4_seed=1');
    const holder = { pid: process.ppid, host: hostname(), command: 'penx sweep-run', since: 'now', started: processStart(process.ppid) };
    writeFileSync(join(run, '.penx.lock'), JSON.stringify(holder));
    const held = tree(dir);
    const h = await penx(...SWEEP, '--name', 'sw-held', '--force');
    expect(h.code, h.stderr).toBe(2);
    expect(h.stderr).toContain(`${run} is in use by process ${process.ppid} `);
    expect(tree(dir)).toEqual(held);
  }, 60_000);
});

describe('penx train refused on a late-checked value', () => {
  it.each<[string, string[], RegExp]>([
    ['--serve 99999', ['--serve', '99999'], /--serve must be a whole number/],
    ['--batch-size 1000', ['--batch-size', '1000'], /--batch-size 1000 is larger than the training set \(128 images\)/],
    ['--model missing.mjs', ['--model', './missing.mjs'], /model module '\.\/missing\.mjs' not found/],
  ])(
    '%s: exit 2, the output folder never made (its parent not even touched)',
    async (_name, flag, message) => {
      const parent = mkdtempSync(join(root, 'parent-'));
      const stamp = new Date('2020-01-01T00:00:00Z');
      utimesSync(parent, stamp, stamp);
      const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', join(parent, 'runs'), ...flag);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(tree(parent)).toEqual({});
      expect(statSync(parent).mtime).toEqual(stamp);
    },
    60_000,
  );
});

describe('a folder of penx’s with content, neither --resume nor --force', () => {
  it.each<[string, (dir: string) => string[], string]>([
    ['train', (dir) => ['train', '--penalty', 'l1:1e-4', '--out', dirname(dir), '--name', basename(dir)], 'run'],
    ['train --json', (dir) => ['train', '--penalty', 'l1:1e-4', '--out', dirname(dir), '--name', basename(dir), '--json'], 'run'],
    ['compare', (dir) => ['compare', '--penalties', 'none', '--out', dirname(dir), '--name', basename(dir)], 'comparison'],
  ])(
    '%s: exit 2 before any work (no backend started), the folder as it was, its modification time too (no lock taken)',
    async (_name, args, kind) => {
      const dir = kind === 'run' ? join(out, 'run') : userFolder(join(root, 'made', 'cmp'), { 'compare.json': '{}' });
      if (kind === 'comparison') markFolder(dir, 'comparison');
      const stamp = new Date('2020-01-01T00:00:00Z');
      utimesSync(dir, stamp, stamp);
      const before = tree(dir);
      const r = await penx(...args(dir), '--epochs', '1', ...TINY);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`penx: error: ${kind} folder ${dir} already exists; use --resume to continue it or --force to start it over`);
      expect(r.stderr).not.toMatch(/^backend:/m);
      expect(r.stdout).toBe('');
      expect(tree(dir)).toEqual(before);
      expect(statSync(dir).mtime).toEqual(stamp);
    },
    60_000,
  );
});

describe("an empty path ('', as an unset shell variable gives it)", () => {
  const run = () => join(out, 'run');
  it.each<[string, () => string[], string]>([
    ['train --out', () => ['train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', ''], "--out is empty (''); give the folder the runs go in"],
    ['compare --out', () => ['compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', ''], "--out is empty (''); give the folder the runs go in"],
    ['sweep --out', () => [...SWEEP.slice(0, -2), '--out', ''], "--out is empty (''); give the folder the runs go in"],
    ['train --data', () => ['train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--data', ''], "--data is empty (''); give the folder"],
    ['train --model', () => ['train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--model', ''], "--model is empty (''); give a module"],
    ['worker --out', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--out', ''], "--out is empty (''); give the shared folder"],
    ['prune RUN --out', () => ['prune', run(), '--max-drop', '50', '--out', ''], "--out is empty (''); give a folder for the pruned model"],
    ['prune', () => ['prune', ''], "the run folder is empty (''); give a run folder penx trained"],
    ['plot', () => ['plot', run(), ''], "a folder given is empty (''); give run folders"],
    ['summary', () => ['summary', run(), ''], "a folder given is empty (''); give run, comparison or sweep folders"],
    ['serve', () => ['serve', '', '--port', '0'], "the folder is empty (''); give the folder of your runs"],
  ])(
    '%s: exit 2 naming it, nothing made or locked in the current folder or the run',
    async (_name, args, message) => {
      const cwd = mkdtempSync(join(root, 'cwd-'));
      const stamp = new Date('2020-01-01T00:00:00Z');
      for (const dir of [cwd, run()]) utimesSync(dir, stamp, stamp);
      const before = tree(run());
      const r = await penxWith({ cwd }, ...args());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`penx: error: ${message}`);
      expect(r.stdout).toBe('');
      expect(tree(cwd)).toEqual({});
      expect(tree(run())).toEqual(before);
      for (const dir of [cwd, run()]) expect(statSync(dir).mtime).toEqual(stamp);
    },
    60_000,
  );
});

describe('--serve PORT on a port another process holds (found by listening, before the backend starts)', () => {
  let held: Server | undefined;
  let port = 0;
  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    held = server;
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => held?.close());

  it.each<[string, string[]]>([
    ['train', ['train', '--penalty', 'l1:1e-4']],
    ['compare', ['compare', '--penalties', 'none,l1:1e-4', '--name', 'c']],
    ['sweep', ['sweep', '--penalties', 'l1', '--strengths', '1e-4', '--seeds', '1', '--jobs', '1', '--name', 's']],
  ])(
    '%s: exit 2 naming the port, no backend started, the output folder never made (its parent not even touched)',
    async (_name, command) => {
      const parent = mkdtempSync(join(root, 'port-'));
      const stamp = new Date('2020-01-01T00:00:00Z');
      utimesSync(parent, stamp, stamp);
      const r = await penx(...command, '--epochs', '1', ...TINY, '--out', join(parent, 'runs'), '--serve', String(port));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`port ${port} is taken; give another with --serve, or 0 for any free port`));
      // train and compare started their backend first (its `backend: …` line before the refusal).
      expect(r.stderr).not.toMatch(/^backend:/m);
      expect(tree(parent)).toEqual({});
      expect(statSync(parent).mtime).toEqual(stamp);
    },
    60_000,
  );
});

describe('--serve with a backend that then fails to start', () => {
  it.skipIf(tfjsNodeInstalled()).each<[string, string[]]>([
    ['train', ['train', '--penalty', 'l1:1e-4']],
    ['compare', ['compare', '--penalties', 'none,l1:1e-4', '--name', 'c']],
  ])(
    '%s: exit 2 naming the backend, no dashboard address printed (it printed one it then closed), nothing written',
    async (_name, command) => {
      const parent = mkdtempSync(join(root, 'serve-backend-'));
      const r = await penx(...command, '--epochs', '1', ...TINY, '--backend', 'tensorflow', '--out', join(parent, 'runs'), '--serve', '0');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^penx: error: backend 'tensorflow' is unavailable/m);
      expect(r.stdout).not.toMatch(/dashboard: http/);
      expect(tree(parent)).toEqual({});
    },
    60_000,
  );

  it('a run that starts prints the address once its backend started, and serves until Ctrl-C', async () => {
    const served = join(mkdtempSync(join(root, 'serve-ok-')), 'runs');
    const run = spawnPenxPiped('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', served, '--name', 'd', '--serve', '0');
    try {
      await until(() => /the dashboard stays at http/.test(run.stderr()) || run.child.exitCode !== null, 60_000, 'the run to finish, serving');
      expect(run.child.exitCode, run.stderr()).toBeNull();
      const url = /^dashboard: (http:\/\/\S+) \(/m.exec(run.stdout())?.[1];
      expect(url, run.stdout()).toBeDefined();
      expect((await fetch(url!)).status).toBe(200);
      // What the run says when done (where to look: with TINY's --no-figures, how to draw it) is said while it serves, not only after Ctrl-C.
      expect(run.stdout()).toMatch(/^done: 1 epoch, test accuracy \d\.\d{4}; no figures drawn \(--no-figures\); draw them with: penx plot /m);
      // After the backend's line: the address of a run that really started.
      expect(run.stderr()).toMatch(/^backend: onnxruntime/m);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.stdout().match(/^done: /gm), 'said once').toHaveLength(1);
    } finally {
      await stopped(run.child);
    }
  }, 90_000);
});

describe('penx plot of several folders, one of them refused', () => {
  it('a run of penx and then a folder it did not write: exit 2, the run not redrawn', async () => {
    const user = userFolder(join(root, 'copied'), { 'report.html': 'my own page' });
    cpSync(join(out, 'run', 'run.json'), join(user, 'run.json'));
    const before = { run: tree(join(out, 'run')), user: tree(user) };
    const r = await penx('plot', join(out, 'run'), user, '--bins', '7');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not written by penalty-explorer/);
    expect(r.stdout).not.toMatch(/redrew/);
    expect({ run: tree(join(out, 'run')), user: tree(user) }).toEqual(before);
  }, 60_000);
});

describe('a folder whose marker file is no valid marker', () => {
  it('penx train into it: exit 2 before any work, the folder as it was', async () => {
    const dir = userFolder(join(out, 'cut-short'), { '.penx-folder.jsonl': '{"format":"penalty-explorer/folder@1","kind":"run"' });
    const before = tree(dir);
    const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'cut-short');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cut-short already exists and was not written by penalty-explorer/);
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(tree(dir)).toEqual(before);
  }, 60_000);
});

describe('a folder whose marker is a symbolic link (to another run’s marker)', () => {
  it('penx train into it: exit 2, the linked marker as it was', async () => {
    const dir = userFolder(join(out, 'linked-marker'), {});
    const target = join(out, 'run', '.penx-folder.jsonl');
    symlinkSync(target, join(dir, '.penx-folder.jsonl'));
    const [before, linked] = [readFileSync(target, 'utf8'), tree(dir)];
    const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'linked-marker');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/linked-marker already exists and was not written by penalty-explorer/);
    expect(readFileSync(target, 'utf8')).toBe(before);
    expect(tree(dir)).toEqual(linked);
  }, 60_000);
});

describe('penx prune --out through a symbolic link', () => {
  it('a folder inside the run’s checkpoint reached by a link: exit 2, the checkpoint as it was', async () => {
    const link = join(root, 'to-checkpoint');
    symlinkSync(join(out, 'run', 'checkpoint'), link);
    const before = tree(join(out, 'run', 'checkpoint'));
    const r = await penx('prune', join(out, 'run'), '--max-drop', '50', '--out', join(link, 'pruned'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is inside the run's checkpoint/);
    expect(tree(join(out, 'run', 'checkpoint'))).toEqual(before);
  }, 60_000);
});

describe('penx sweep --force on a folder that is not penx’s', () => {
  it('one holding only a name like penx’s leftovers: exit 2, refused as started over (it said "already exists"), untouched', async () => {
    const dir = userFolder(join(out, 'sw-user'), { 'notes.penx-old': 'mine' });
    const before = tree(dir);
    const r = await penx(...SWEEP, '--name', 'sw-user', '--force');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^penx: error: refusing to start .*sw-user over: it was not written by penalty-explorer .*; nothing was touched; give another --name or --out\n$/,
    );
    expect(tree(dir)).toEqual(before);
  }, 60_000);
});

describe('penx prune --out a folder that is not penx’s', () => {
  it('exit 2 before the run is locked: the run folder not written to (no lock, its leftovers kept)', async () => {
    const run = join(out, 'run');
    const user = userFolder(join(root, 'my-models'), { 'model.h5': 'keras weights' });
    // A leftover of a killed penx in the run: removed only by a command that goes ahead.
    writeFileSync(join(run, '.report.html.99999.abcd.penx-tmp'), 'half');
    const before = { run: tree(run), user: tree(user), mtime: statSync(run).mtimeMs };
    const r = await penx('prune', run, '--max-drop', '50', '--out', user);
    expect(r.code, r.stderr).toBe(2);
    // Worded by what prune would do there, put its output into it (it said "refusing to delete …", as --force does).
    expect(r.stderr).toBe(
      `penx: error: will not put the output into ${user}: it is not empty and was not written by penalty-explorer (it has no valid .penx-folder.jsonl marker); ` +
        "an output goes only into a new or empty folder, or over an earlier output of penalty-explorer's; nothing was touched; give another --out DIR (without --out, penx prune writes RUN/pruned)\n",
    );
    expect({ run: tree(run), user: tree(user), mtime: statSync(run).mtimeMs }).toEqual(before);
    rmSync(join(run, '.report.html.99999.abcd.penx-tmp'), { force: true });
  }, 60_000);
});

describe('a run’s checkpoint is never a place for another folder', () => {
  it.each<[string, (checkpoint: string) => string[]]>([
    ['penx train --out RUN/checkpoint', (c) => ['train', '--penalty', 'l2:1e-4', '--epochs', '1', ...TINY, '--out', c, '--name', 'inner']],
    ['penx compare --out RUN/checkpoint', (c) => ['compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', c, '--name', 'inner']],
    ['penx sweep --out RUN/checkpoint', (c) => [...SWEEP.slice(0, -2), '--out', c, '--name', 'inner']],
  ])(
    '%s: exit 2, the checkpoint as it was (the run would delete it with its next checkpoint)',
    async (_, args) => {
      const checkpoint = join(out, 'run', 'checkpoint');
      const before = tree(checkpoint);
      const r = await penx(...args(checkpoint));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/is inside the run's checkpoint/);
      expect(tree(checkpoint)).toEqual(before);
    },
    60_000,
  );
});

describe('a folder named as penx’s own files', () => {
  it('train --name .penx.lock inside a run, prune --out RUN/x.penx-old: exit 2, the run as it was (its lock and clean-up would take them)', async () => {
    const run = join(out, 'run');
    const before = tree(run);
    const train = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', run, '--name', '.penx.lock');
    expect(train.code, train.stderr).toBe(2);
    expect(train.stderr).toMatch(/--name '\.penx\.lock' is kept for penalty-explorer's own files/);
    const prune = await penx('prune', run, '--max-drop', '50', '--out', join(run, 'x.penx-old'));
    expect(prune.code, prune.stderr).toBe(2);
    expect(prune.stderr).toMatch(/named as penalty-explorer's own files are/);
    expect(tree(run)).toEqual(before);
  }, 60_000);
});

describe('--resume asking for fewer epochs than a run has finished', () => {
  it('penx train and penx compare: exit 2 naming the epochs, before the backend starts, both folders as they were', async () => {
    const before = { run: tree(join(out, 'run')), comparison: tree(join(out, 'cmp-two')) };
    // Before, both said "resuming after epoch 2", exit 0, and added a session that trained nothing to each run.json.
    const train = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...RUN, '--resume');
    expect(train.code, train.stderr).toBe(2);
    expect(train.stderr).toMatch(/cannot resume .*run: it has 2 finished epochs, more than the 1 asked for; nothing was changed; ask for 2 epochs .*--epochs/);
    expect(train.stderr).not.toMatch(/^backend:/m);
    const compare = await penx('compare', '--penalties', 'none,l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'cmp-two', '--resume');
    expect(compare.code, compare.stderr).toBe(2);
    expect(compare.stderr).toMatch(/cannot resume .*cmp-two\/none: it has 2 finished epochs, more than the 1 asked for/);
    expect({ run: tree(join(out, 'run')), comparison: tree(join(out, 'cmp-two')) }).toEqual(before);
  }, 120_000);
});

describe('--resume into a folder another live process holds', () => {
  it('penx train and penx compare: exit 2 naming the holder, before the backend line and the "training …" line, the folders as they were', async () => {
    // The test runner's parent stands in for the live process holding each folder's lock.
    const holder = { pid: process.ppid, host: hostname(), command: 'penx train', since: 'now', started: processStart(process.ppid) };
    const run = join(out, 'run-held');
    const comparison = join(out, 'cmp-held');
    cpSync(join(out, 'run'), run, { recursive: true });
    cpSync(join(out, 'cmp-two'), comparison, { recursive: true });
    for (const dir of [run, comparison]) writeFileSync(join(dir, '.penx.lock'), JSON.stringify(holder));
    const before = [run, comparison].map(tree);
    // Before, each printed `backend: …` and `training …` on stderr, then was refused once it took the folder.
    const train = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '3', ...TINY, '--out', out, '--name', 'run-held', '--resume');
    const compare = await penx('compare', '--penalties', 'none,l1:1e-4', '--epochs', '3', ...TINY, '--out', out, '--name', 'cmp-held', '--resume');
    for (const [r, dir] of [
      [train, run],
      [compare, comparison],
    ] as const) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^penx: error: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by process ${process.ppid} `));
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
    expect([run, comparison].map(tree)).toEqual(before);
  }, 120_000);
});

describe('--resume of partly trained runs with other settings', () => {
  it('penx train and penx compare: exit 2 naming the setting, before the backend starts, the folders as they were (not even locked)', async () => {
    const dirs = [join(out, 'run'), join(out, 'cmp-two'), join(out, 'cmp-two', 'none')];
    const stamp = new Date('2020-01-01T00:00:00Z');
    for (const dir of dirs) utimesSync(dir, stamp, stamp);
    const before = dirs.map(tree);
    // Three epochs asked of two finished: each would train on. Before, each was refused only once its backend had started and its graph was built.
    const train = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '3', ...RUN, '--resume', '--seed', '5');
    expect(train.code, train.stderr).toBe(2);
    expect(train.stderr).toContain(`penx: error: cannot resume ${join(out, 'run')}: its seed is 42, this run's is 5; use the same settings, or start it over`);
    expect(train.stderr).not.toMatch(/^backend:/m);
    const compare = await penx(
      'compare',
      '--penalties',
      'none,l1:1e-4',
      '--epochs',
      '3',
      ...TINY,
      '--out',
      out,
      '--name',
      'cmp-two',
      '--resume',
      '--optimizer',
      'sgd:lr=0.1',
    );
    expect(compare.code, compare.stderr).toBe(2);
    expect(compare.stderr).toMatch(/cannot resume .*cmp-two\/none: its optimizer is "adadelta:[^"]*", this run's is "sgd:lr=0\.1"; use the same settings/);
    expect(compare.stderr).not.toMatch(/^backend:/m);
    expect(dirs.map(tree)).toEqual(before);
    for (const dir of dirs) expect(statSync(dir).mtime).toEqual(stamp);
  }, 120_000);
});

describe('--resume of a finished run with other settings', () => {
  it('penx train: exit 2 naming the setting, the run as it was (not even locked: its mtime kept)', async () => {
    const dir = join(out, 'run');
    const stamp = new Date('2020-01-01T00:00:00Z');
    utimesSync(dir, stamp, stamp);
    const before = tree(dir);
    // Before, a run with every epoch done was checked only once its folder was locked (a lock file made and removed).
    const train = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '2', ...RUN, '--resume', '--seed', '5');
    expect(train.code, train.stderr).toBe(2);
    expect(train.stderr).toContain(`penx: error: cannot resume ${dir}: its seed is 42, this run's is 5; use the same settings, or start it over`);
    expect(tree(dir)).toEqual(before);
    expect(statSync(dir).mtime).toEqual(stamp);
  }, 60_000);
});

describe('penx compare --resume leaving out runs the comparison holds', () => {
  it('exit 2 naming the runs left out and their penalties, the comparison as it was; adding one is allowed', async () => {
    const dir = join(out, 'cmp-left');
    cpSync(join(out, 'cmp-two'), dir, { recursive: true });
    const COMPARE = ['compare', '--epochs', '2', ...TINY, '--out', out, '--name', 'cmp-left'];
    const before = tree(dir);
    // Before, exit 0 and compare.json rewritten as ["none"]: the comparison forgot l1_1e-4, its folder still there.
    const r = await penx(...COMPARE, '--penalties', 'none', '--resume');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cmp-left holds 1 run this comparison leaves out: l1_1e-4 \(l1:1e-4\); nothing was changed; give its penalty too \(--penalties/);
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(tree(dir)).toEqual(before);
    const more = await penx(...COMPARE, '--penalties', 'none,l1:1e-4,l2:1e-4', '--resume');
    expect(more.code, more.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')).runs).toEqual(['none', 'l1_1e-4', 'l2_1e-4']);
  }, 120_000);
});

describe('penx sweep leaving out runs the sweep folder holds', () => {
  it('exit 2 naming the runs left out, the sweep as it was (sweep.json forgot them, their folders still there)', async () => {
    // The finished sweep of l1 at 1e-4 and 1e-3 (made above), given the grid of 1e-4 alone.
    const dir = join(out, 'sw-left');
    cpSync(join(out, 'sw'), dir, { recursive: true });
    const before = tree(dir);
    const r = await penx(...SWEEP, '--name', 'sw-left');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /sw-left holds a sweep with runs this grid leaves out \(l1_0\.001_seed=1\); nothing was written; give their penalties, strengths and seeds too/,
    );
    expect(tree(dir)).toEqual(before);
  }, 120_000);
});
