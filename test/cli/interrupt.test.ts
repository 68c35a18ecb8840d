/**
 * Robustness of a run (issue 20, point 10): `--data` naming a file, a user penalty that throws
 * in the middle of a run (exit 2 naming the penalty and its module, no stack), and Ctrl-C while a
 * user penalty or monitor never returns: the first SIGINT stops the run (exit 130, lock released, how to
 * continue said, the folder resumable from its last finished epoch), the second exits at once. (A signal during an epoch of train, compare and sweep:
 * test/cli/json-contract.test.ts.)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { continueNote, resumeCommand } from '../../mnist-demo/cli/continue-command.ts';
import { Interrupts } from '../../mnist-demo/cli/interrupts.ts';
import { until, within } from '../wait.ts';
import { moduleDir } from './module-dir.ts';
import { penx, spawnPenxPiped, spawnPenxPipedWith, stopped, TINY } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-int-'));
// The user's modules, each named by its absolute path.
const here = moduleDir('penx-int-modules-');
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(here, { recursive: true, force: true });
});
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const stuckMark = join(root, 'stuck.txt');
const monitorMark = join(root, 'monitor-stuck.txt');
const waitsMark = join(root, 'monitor-waits.txt');

beforeAll(() => {
  // Both behave on the probe's 4×4 tensor and on the one-weight tensors of the penalty's curve; on a real kernel one throws, one never returns.
  writeFileSync(
    join(here, 'throws.ts'),
    `import { abs, definePenalty } from 'penalty-explorer';\nexport default definePenalty({ name: 'boomy', fn: (w) => { if (w.size > 1000) throw new Error('boom at a large kernel'); return abs(w); } });\n`,
  );
  writeFileSync(
    join(here, 'stuck.ts'),
    `import { writeFileSync } from 'node:fs';\nimport { abs, definePenalty } from 'penalty-explorer';\nexport default definePenalty({ name: 'stuck', fn: (w) => { if (w.size > 1000) { writeFileSync(${JSON.stringify(stuckMark)}, 'stuck'); for (;;) {} } return abs(w); } });\n`,
  );
  // Never returns at its first end of epoch 2 (the mark written just before); the resumed run, the mark there, measures on.
  writeFileSync(
    join(here, 'stuck-monitor.ts'),
    `import { existsSync, writeFileSync } from 'node:fs';\nexport default { name: 'stuckAt2', onEpochEnd({ epoch }) { if (epoch === 2 && !existsSync(${JSON.stringify(monitorMark)})) { writeFileSync(${JSON.stringify(monitorMark)}, 'stuck'); for (;;) {} } return epoch; } };\n`,
  );
  // Waits forever after its first await in epoch 2 (out of the guard's reach: the thread free, the hook never
  // done); the mark written after that await, once its call has returned.
  writeFileSync(
    join(here, 'waits-monitor.ts'),
    `import { writeFileSync } from 'node:fs';\nexport default { name: 'waits', async onBatchEnd({ epoch, batch }) { if (epoch === 2) for (;;) { await new Promise((r) => setTimeout(r, 10)); writeFileSync(${JSON.stringify(waitsMark)}, 'waits'); } return batch; }, onEpochEnd: ({ epoch }) => epoch };\n`,
  );
});

describe('failures name what failed', () => {
  it('--data naming a file: exit 2, the file named', async () => {
    const file = join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await penx('train', '--penalty', 'l1', '--epochs', '1', '--data', file, ...TINY, '--out', join(root, 'o1'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file} is a file, not a folder`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);

  it('a user penalty that throws during the run: exit 2, the penalty and its module named, no stack', async () => {
    const r = await penx('train', '--penalty', `${here}/throws.ts:1e-4`, '--epochs', '1', ...TINY, '--out', join(root, 'o2'), '--name', 't');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`penalty boomy:1e-4 \\(from ${escaped(here)}/throws\\.ts\\) threw: boom at a large kernel`));
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(root, 'o2', 't', '.penx.lock'))).toBe(false);
    // Nothing half-written: failed before its first run.json, the folders it made are gone.
    expect(existsSync(join(root, 'o2'))).toBe(false);
  }, 60_000);

  it('a comparison whose only run fails at the untrained weights: exit 2, no comparison folder left holding only its marker', async () => {
    const r = await penx('compare', '--penalties', `${here}/throws.ts:1e-4`, '--epochs', '1', ...TINY, '--out', join(root, 'o4'), '--name', 'c');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('threw: boom at a large kernel');
    expect(existsSync(join(root, 'o4'))).toBe(false);
  }, 60_000);
});

/** Once user code of `run` wrote `mark` (just before looping forever), SIGINT: its exit code, or what went wrong. */
async function interruptWhenStuck(run: ReturnType<typeof spawnPenxPiped>, mark: string): Promise<unknown> {
  const t0 = Date.now();
  while (!existsSync(mark) && run.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(mark)) return `never stuck: ${mark} not written`;
  // No pause: the mark is written where the SIGINT is meant to find the run, by the user code itself:
  // inside its guarded call just before it loops, or after the await it never comes back from.
  run.child.kill('SIGINT');
  return within(run.exited, 15_000, 'still running 15 s after SIGINT');
}

describe('Ctrl-C', () => {
  it('a user penalty that never returns: the first SIGINT stops the run, exit 130, the lock released', async () => {
    const out = join(root, 'o3');
    const run = spawnPenxPiped('train', '--penalty', `${here}/stuck.ts:1e-4`, '--epochs', '2', ...TINY, '--out', out, '--name', 's');
    try {
      expect(await interruptWhenStuck(run, stuckMark), run.stderr()).toBe(130);
      expect(run.stderr()).toMatch(/penx: interrupted; continue it with: penx train .*--resume$/m);
      expect(existsSync(join(out, 's', '.penx.lock'))).toBe(false);
      // Stopped before its first run.json (the penalty never returned at the untrained weights): nothing
      // half-written, no folder left holding only its marker; --resume starts it afresh.
      expect(existsSync(join(out, 's'))).toBe(false);
    } finally {
      await stopped(run.child);
    }
  }, 90_000);

  it('a user monitor whose onEpochEnd never returns: SIGINT stops the run, exit 130, the folder at its last finished epoch, resumable', async () => {
    const out = join(root, 'o5');
    const args = ['train', '--penalty', 'l1:1e-4', '--monitor', `${here}/stuck-monitor.ts`, '--epochs', '2', ...TINY, '--out', out, '--name', 'm'];
    const run = spawnPenxPiped(...args);
    try {
      expect(await interruptWhenStuck(run, monitorMark), run.stderr()).toBe(130);
      expect(run.stderr()).toMatch(/penx: interrupted; continue it with: penx train .*--resume$/m);
    } finally {
      await stopped(run.child);
    }
    const dir = join(out, 'm');
    expect(existsSync(join(dir, '.penx.lock'))).toBe(false);
    // Epoch 2 abandoned while measured: the folder as epoch 1's checkpoint left it.
    const epochsOf = () => (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { epochs: { epoch: number; monitors?: object }[] }).epochs;
    expect(epochsOf().map((e) => e.epoch)).toEqual([1]);
    const resumed = await penx(...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(epochsOf().map((e) => e.monitors)).toEqual([{ stuckAt2: 1 }, { stuckAt2: 2 }]);
  }, 90_000);

  it('a user monitor whose async onBatchEnd waits forever after an await: the first SIGINT abandons it, exit 130, the folder at its last finished epoch', async () => {
    const out = join(root, 'o6');
    const args = ['train', '--penalty', 'l1:1e-4', '--monitor', `${here}/waits-monitor.ts`, '--epochs', '3', ...TINY, '--out', out, '--name', 'w'];
    const run = spawnPenxPiped(...args);
    const dir = join(out, 'w');
    try {
      expect(await interruptWhenStuck(run, waitsMark), run.stderr()).toBe(130);
      expect(run.stderr()).toMatch(/penx: interrupted; continue it with: penx train .*--resume$/m);
    } finally {
      await stopped(run.child);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.penx.lock') || f.includes('penx-tmp'))).toEqual([]);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(readFileSync(join(dir, 'checkpoint', 'run.json'), 'utf8'));
    expect((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { epochs: { epoch: number }[] }).epochs.map((e) => e.epoch)).toEqual([1]);
  }, 90_000);

  it('the first SIGINT during a run asks it to stop at its next safe point; the second exits at once', async () => {
    const exits: number[] = [];
    const said: string[] = [];
    const interrupts = new Interrupts(
      (code) => void exits.push(code),
      (m) => said.push(m),
      () => '; continue it with: penx train --resume',
    );
    // Outside a run there is nothing to stop cleanly: at once.
    interrupts.onSignal();
    expect(exits).toEqual([130]);
    let seen: AbortSignal | undefined;
    await interrupts.during(async (signal) => {
      seen = signal;
      interrupts.onSignal();
      expect(signal.aborted).toBe(true);
      expect(exits).toEqual([130]);
      expect(said.at(-1)).toMatch(/stopping at the next safe point; Ctrl-C again to stop at once/);
      interrupts.onSignal();
      expect(exits).toEqual([130, 130]);
    });
    expect(seen?.aborted).toBe(true);
    // A stop that ends a run is said with how to continue.
    expect(interrupts.stoppedText()).toBe('penx: interrupted; continue it with: penx train --resume');
  });
});

describe('how to continue a stopped command', () => {
  it('train, compare, sweep: the same command without --force (it would start the folder over) and with --resume; a followed queued sweep: the same command; start: none', () => {
    expect(resumeCommand(['train', '--penalty', 'l1:1e-4', '--force', '--out', 'my runs'])).toBe("penx train --penalty l1:1e-4 --out 'my runs' --resume");
    expect(resumeCommand(['compare', '--penalties', 'none,l1', '--resume'])).toBe('penx compare --penalties none,l1 --resume');
    expect(resumeCommand(['sweep', '--penalties', 'l1', '--strengths', '1e-4', '--force'])).toBe('penx sweep --penalties l1 --strengths 1e-4 --resume');
    expect(continueNote(['sweep', '--penalties', 'l1', '--force'])).toBe(
      '; continue it with: penx sweep --penalties l1 --resume (finished runs are skipped, the others resume)',
    );
    expect(resumeCommand(['start'])).toBeNull();
    expect(continueNote(['start'])).toMatch(/npm start starts over/);
    // Following a queued sweep: Ctrl-C stopped the following, not its runs (the workers train them); the same command follows it again.
    const queued = ['sweep', '--queue', 'redis://h:6379', '--penalties', 'l1', '--strengths', '1e-4', '--name', 'lam'];
    expect(resumeCommand(queued)).toBe('penx sweep --queue redis://h:6379 --penalties l1 --strengths 1e-4 --name lam');
    expect(continueNote(queued)).toBe(
      '; stopped following the sweep, whose runs go on on the workers; follow it again with: penx sweep --queue redis://h:6379 --penalties l1 --strengths 1e-4 --name lam',
    );
    expect(resumeCommand(['sweep', '--queue=redis://h', '--name', 'lam', '--status'])).toBeNull();
    expect(continueNote(['sweep', '--queue', 'redis://h', '--name', 'lam', '--remove'])).toBe('');
    expect(resumeCommand(['plot', 'figures/runs/x'])).toBeNull();
    expect(continueNote(['plot', 'figures/runs/x'])).toBe('');
  });

  it('a stopped command says how it stopped (for its --json document): the first signal and the command that resumes it', () => {
    const interrupts = new Interrupts(
      () => {},
      () => {},
      () => '',
      () => 'penx train --resume',
    );
    expect(interrupts.interruption()).toBeNull();
    interrupts.onSignal('SIGTERM');
    interrupts.onSignal('SIGINT');
    expect(interrupts.interruption()).toEqual({ signal: 'SIGTERM', resume: 'penx train --resume' });
  });
});

describe('a stop during a long training step', () => {
  // One batch of 1024 on the cpu backend: a synchronous stretch of tens of seconds (minutes on a
  // loaded machine), which no signal listener can interrupt; the guard's watchdog stops it (SIGTERM
  // relayed to it as SIGINT, mnist-demo/cli/term-relay.ts). A preload says when that stretch has
  // begun: the guard runs each guarded call as a `vm` script with `breakOnSigint`; the first one run
  // once epoch 0 is recorded is the first batch's gradient pass, and the preload marks its start.
  const preload = join(here, 'mark-guarded.mjs');
  beforeAll(() =>
    writeFileSync(
      preload,
      `import { existsSync, writeFileSync } from 'node:fs';\nimport vm from 'node:vm';\nconst run = vm.Script.prototype.runInThisContext;\nvm.Script.prototype.runInThisContext = function (options) {\n  if (options?.breakOnSigint && existsSync(process.env.MARK_AFTER)) writeFileSync(process.env.MARK, '');\n  return run.call(this, options);\n};\n`,
    ),
  );
  const SLOW = [
    '--train-size',
    '1024',
    '--batch-size',
    '1024',
    '--test-size',
    '64',
    '--backend',
    'cpu',
    '--threads',
    '1',
    '--prune-epochs',
    'none',
    '--no-figures',
  ];

  it.each<[NodeJS.Signals, number]>([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ])(
    '%s mid-batch: exit %i within seconds, the batch abandoned, the folder as its last finished epoch left it',
    async (signal, code) => {
      const out = join(root, `slow-${signal}`);
      const dir = join(out, 'b');
      const mark = join(root, `in-batch-${signal}`);
      const marking = { nodeArgs: ['--import', preload], env: { MARK: mark, MARK_AFTER: join(dir, 'run.json') } };
      const run = spawnPenxPipedWith(marking, 'train', '--penalty', 'l1:1e-4', '--epochs', '1', ...SLOW, '--out', out, '--name', 'b');
      let exit: unknown;
      let before = '';
      try {
        await until(() => existsSync(mark) || run.child.exitCode !== null, 120_000, 'the first batch to begin');
        before = readFileSync(join(dir, 'run.json'), 'utf8');
        expect(run.child.exitCode, run.stderr()).toBeNull();
        run.child.kill(signal);
        exit = await within(run.exited, 10_000, `still running 10 s after ${signal}`);
      } finally {
        await stopped(run.child);
      }
      expect(exit, run.stderr()).toBe(code);
      expect(run.stderr()).toMatch(/^penx: interrupted; continue it with: penx train .*--resume$/m);
      // Nothing of the batch written: the record as epoch 0 left it, no lock nor temporary file.
      expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(before);
      expect(readdirSync(dir).filter((f) => f.endsWith('.penx.lock') || f.includes('penx-tmp'))).toEqual([]);
    },
    180_000,
  );
});

describe('SIGTERM where the relay cannot listen (no signal_wrap binding)', () => {
  it("the main thread's listener stops the run after the current batch: exit 143, the folder as its last finished epoch left it", async () => {
    const out = join(root, 'no-relay');
    const dir = join(out, 'r');
    // Inherited by the child only (the relay's thread reads it there).
    process.env.PENX_TEST_NO_SIGNAL_WRAP = '1';
    const run = spawnPenxPiped('train', '--penalty', 'l1:1e-4', '--epochs', '3', ...TINY, '--backend', 'wasm', '--out', out, '--name', 'r');
    delete process.env.PENX_TEST_NO_SIGNAL_WRAP;
    let exit: unknown;
    let before = '';
    try {
      const t0 = Date.now();
      // Epoch 1 finished: its checkpoint written, and run.json as it.
      const recorded = () =>
        existsSync(join(dir, 'checkpoint', 'run.json')) &&
        readFileSync(join(dir, 'run.json'), 'utf8') === readFileSync(join(dir, 'checkpoint', 'run.json'), 'utf8');
      while (!recorded() && run.child.exitCode === null && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
      before = readFileSync(join(dir, 'run.json'), 'utf8');
      // No pause: the run stops at its next safe point however far into epoch 2 the signal comes.
      expect(run.child.exitCode, run.stderr()).toBeNull();
      run.child.kill('SIGTERM');
      exit = await within(run.exited, 60_000, 'still running 60 s after SIGTERM');
    } finally {
      await stopped(run.child);
    }
    expect(exit, run.stderr()).toBe(143);
    expect(run.stderr()).toMatch(/^penx: interrupted; continue it with: penx train .*--resume$/m);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(readFileSync(join(dir, 'checkpoint', 'run.json'), 'utf8'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.penx.lock') || f.includes('penx-tmp'))).toEqual([]);
  }, 180_000);
});

// SIGTERM (and Ctrl-C) during an epoch of train, compare and sweep — exit code, no lock or temporary file
// left, the run as its checkpoint left it, the resume finishing it: test/cli/json-contract.test.ts, with
// the --json document such a command still prints.
