/**
 * Usage errors say what would be right in the refused command's terms: the words --prune-epochs
 * accepts, the help of the command given (not penx's), and what to do about an --out where no
 * folder can be made. Each exits 2 having written nothing.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { penx, penxWith, TINY } from './run-penx.ts';

/** The folders the tests give as --out (or run in), each in its own below this one. */
const root = mkdtempSync(join(tmpdir(), 'penx-usage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('usage messages name what would be right', () => {
  it.concurrent('--prune-epochs foo names last, all, none and an epoch list', async () => {
    const r = await penx('train', '--penalty', 'l1:1e-4', '--prune-epochs', 'foo');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--prune-epochs must be last, all, none, or epochs (whole numbers ≥ 1) such as 10,20,40; got 'foo'");
  });

  it.concurrent('a whole number past 2^53 − 1 (a float reads it as another) is refused as typed, writing nothing: --epochs 1e20 no longer trains', async () => {
    const out = mkdtempSync(join(root, 'big-'));
    const train = ['train', '--penalty', 'none'];
    const sweep = ['sweep', '--penalties', 'l1', '--strengths', '1e-4'];
    for (const [command, flag, given, what] of [
      [train, '--seed', '9007199254740993', '--seed must be a whole number ≥ 0'],
      [sweep, '--seeds', '9007199254740993', '--seeds: a seed must be a whole number ≥ 0'],
      [train, '--epochs', '99999999999999999999', '--epochs must be a whole number ≥ 1'],
      [train, '--batch-size', '9007199254740993', '--batch-size must be a whole number ≥ 1'],
      [train, '--train-size', '9007199254740993', '--train-size must be a whole number ≥ 1'],
    ] as const) {
      const r = await penxWith({ timeoutMs: 30_000 }, ...command, ...TINY, '--epochs', '1', '--out', out, flag, given);
      expect(r.code, `${flag}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`penx: error: ${what} and ≤ 9007199254740991, got '${given}'`);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it.concurrent('an epoch list that may be all says so when refused: plot --prune-epochs, summary --epochs (before any folder is read)', async () => {
    for (const [command, flag] of [
      ['plot', '--prune-epochs'],
      ['summary', '--epochs'],
    ] as const) {
      const r = await penx(command, 'no-such-folder', flag, '1,x');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`penx: error: ${flag} must be all, or epochs (whole numbers ≥ 0) such as 1,10,40; got '1,x'`);
    }
  });

  it.concurrent('penx start with a bad --threads: the one message, not its plan (that figures/runs/quickstart is replaced)', async () => {
    const cwd = mkdtempSync(join(root, 'start-'));
    const r = await penxWith({ cwd }, 'start', '--threads', '0', '--json');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe("penx: error: --threads must be a whole number ≥ 1, got '0'\n");
    expect(r.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.concurrent('an --lr-mult factor out of range is refused with the other flags, before the backend starts', async () => {
    for (const factor of ['-1', 'NaN']) {
      const r = await penx('train', '--penalty', 'none', ...TINY, '--epochs', '1', '--out', join(tmpdir(), 'penx-never'), '--lr-mult', `conv*=${factor}`);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`penx: error: learning-rate multiplier of conv*=${factor} is not allowed; expected a finite number ≥ 0\n`);
    }
  });

  it.concurrent("an unknown option points at the command's own --help", async () => {
    for (const command of ['compare', 'plot', 'sweep']) {
      const r = await penx(command, '--bogus');
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toMatch(new RegExp(`unknown option '--bogus'\\n\\(run penx ${command} --help for usage\\)`));
    }
    // Before any command: penx's own help.
    expect((await penx('--bogus')).stderr).toContain('(run penx --help for usage)');
  });

  it.concurrent('sweep --queue with two of --status, --remove and --detach is refused (the second was left undone, exit 0), writing nothing', async () => {
    const out = mkdtempSync(join(root, 'actions-'));
    for (const [a, b] of [
      ['status', 'remove'],
      ['status', 'detach'],
      ['remove', 'detach'],
    ]) {
      const r = await penx('sweep', '--queue', 'redis://127.0.0.1:1', `--${a}`, `--${b}`, '--out', out);
      expect(r.code, `${a} ${b}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`penx: error: --${a} and --${b} are two things to do with a queued sweep; give one`);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it.concurrent('an empty item in a list flag is refused by its position and the list (it was skipped, unsaid), writing nothing', async () => {
    const out = mkdtempSync(join(root, 'lists-'));
    const train = ['train', '--penalty', 'none'];
    const compare = ['compare', '--penalties', 'none'];
    const sweep = ['sweep', '--penalties', 'l1', '--strengths', '1e-4'];
    for (const [command, flag, given, item, of, sep, without] of [
      [compare, '--penalties', 'none,,l1:1e-4', 2, 3, ',', 'none,l1:1e-4'],
      [compare, '--penalties', 'deadzone:1e-4,a=0.3,l1:1e-4,', 4, 4, ',', 'deadzone:1e-4,a=0.3,l1:1e-4'],
      [compare, '--optimizers', 'adam; ;sgd', 2, 3, ';', 'adam;sgd'],
      [sweep, '--penalties', 'l1,,l2', 2, 3, ',', 'l1,l2'],
      [sweep, '--strengths', '1e-4,,1e-3', 2, 3, ',', '1e-4,1e-3'],
      [sweep, '--seeds', ',1,2', 1, 3, ',', '1,2'],
      [train, '--lr-mult', 'conv*=0.5,,dense*=2', 2, 3, ',', 'conv*=0.5,dense*=2'],
      [train, '--grad', 'conv*:clipnorm=1;;dense_2:zero', 2, 3, ';', 'conv*:clipnorm=1;dense_2:zero'],
      [train, '--prune-epochs', '1,', 2, 2, ',', '1'],
    ] as const) {
      const r = await penx(...command, ...TINY, '--epochs', '1', '--out', out, flag, given);
      expect(r.code, `${flag} ${given}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toBe(
        `penx: error: ${flag} '${given}': item ${item} of ${of} is empty; remove the extra '${sep}' ('${without}'), or put an item there\n`,
      );
    }
    // Inside a --grad entry, and an epoch list of plot: the same.
    const grad = await penx(...train, ...TINY, '--epochs', '1', '--out', out, '--grad', 'conv*:clipnorm=1,,scale=2');
    expect(grad.code, grad.stderr).toBe(2);
    expect(grad.stderr).toContain("--grad conv* 'clipnorm=1,,scale=2': item 2 of 3 is empty; remove the extra ',' ('clipnorm=1,scale=2')");
    const plot = await penx('plot', out, '--epochs', '1,,2');
    expect(plot.code, plot.stderr).toBe(2);
    expect(plot.stderr).toContain("--epochs '1,,2': item 2 of 3 is empty");
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);

  it.concurrent('--host without --serve is refused (it would be ignored), writing nothing', async () => {
    const out = mkdtempSync(join(root, 'host-'));
    const penalties = { train: ['--penalty', 'none'], compare: ['--penalties', 'none,l1:1e-4'], sweep: ['--penalties', 'l1', '--strengths', '1e-4'] };
    for (const [command, given] of Object.entries(penalties)) {
      const r = await penx(command, ...given, ...TINY, '--epochs', '1', '--out', out, '--host', '0.0.0.0');
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr, command).toContain("--host 0.0.0.0 is the live dashboard's address: add --serve, or leave --host out");
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it.concurrent("an empty --host is refused by name (Node would listen on every address, not this machine's only), writing nothing", async () => {
    const out = mkdtempSync(join(root, 'empty-host-'));
    const commands = [
      ['serve', out, '--port', '0'],
      ['playground', '--port', '0'],
      ['train', '--penalty', 'none', ...TINY, '--epochs', '1', '--out', out, '--serve', '0'],
      ['compare', '--penalties', 'none', ...TINY, '--epochs', '1', '--out', out, '--serve', '0'],
      ['sweep', '--penalties', 'l1', '--strengths', '1e-4', ...TINY, '--epochs', '1', '--out', out, '--serve', '0'],
      // Without --serve too: empty is what is wrong first.
      ['train', '--penalty', 'none', ...TINY, '--epochs', '1', '--out', out],
    ];
    for (const command of commands) {
      // Before, serve and playground listened (the playground on [::]) until killed, exit 0.
      const r = await penxWith({ timeoutMs: 30_000 }, ...command, '--host', '');
      expect(r.code, `${command.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toBe("penx: error: --host is empty (''); give the address to listen on, e.g. 127.0.0.1 (this machine only), or leave --host out\n");
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(out)).toEqual([]);
  }, 240_000);

  it.concurrent('an --out where no folder can be made says why and what to do', async () => {
    const r = await penx('train', '--penalty', 'none', ...TINY, '--epochs', '1', '--out', '/proc/penx-x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot make /proc/penx-x: /proc takes no new folders (ENOENT); choose a folder elsewhere');
  });
});

describe("commander's own usage errors", () => {
  it.concurrent('no command, or an unknown one (penx nosuch, penx help nosuch), says so and names the commands, not the whole help', async () => {
    for (const [args, what] of [
      [[], 'no command given (penx <command> [options])'],
      [['nosuch'], "unknown command 'nosuch'"],
      [['help', 'nosuch'], "unknown command 'nosuch'"],
    ] as const) {
      const r = await penx(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith(`penx: error: ${what}; the commands are train, compare, `), r.stderr).toBe(true);
      expect(r.stderr.endsWith(', worker, help\n(run penx --help for usage)\n'), r.stderr).toBe(true);
    }
    // A command's help is still its help.
    const help = await penx('help', 'train');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: penx train /);
  });

  it.concurrent("read 'penx: error: …' like every other error, what was typed shown without its control characters", async () => {
    const unknown = await penx('no\u001b[31msuch');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("penx: error: unknown command 'no\\u001b[31msuch'");
    const choice = await penx('train', '--penalty', 'l1:1e-4', '--backend', 'x\u202ey');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain("penx: error: option '--backend <name>' argument 'x\\u202ey' is invalid.");
    const missing = await penx('train');
    expect(missing.stderr).toContain("penx: error: required option '--penalty <spec>' not specified");
    for (const r of [unknown, choice, missing]) for (const raw of ['\u001b', '\u202e']) expect(r.stderr).not.toContain(raw);
  });

  it.concurrent('a folder that is not there, or holds runs rather than being one, is named as such with what to give: prune, adopt, --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'penx-missing-'));
    try {
      const [missing, comparison] = [join(dir, 'missing'), join(dir, 'cmp')];
      mkdirSync(join(comparison, 'none'), { recursive: true });
      writeFileSync(join(comparison, 'none', 'run.json'), '{}');
      const runs = await Promise.all([
        penx('prune', missing),
        penx('prune', comparison),
        penx('adopt', missing),
        penx('train', '--penalty', 'none', ...TINY, '--epochs', '1', '--out', join(dir, 'runs'), '--data', missing),
      ]);
      for (const r of runs) expect([r.code, r.stdout], r.stderr).toEqual([2, '']);
      const [prune, pruneComparison, adopt, data] = runs.map((r) => r.stderr);
      // Before: `…/run.json: cannot be read as a run record (ENOENT: …)`; adopt: 'it was not written by penalty-explorer'; `data folder … does not exist`.
      const takes = 'penx prune takes one run folder (with run.json and checkpoint/)';
      expect(prune).toBe(`penx: error: ${missing} does not exist; ${takes}, as penx train writes it\n`);
      expect(pruneComparison).toBe(`penx: error: ${comparison} has no run.json: ${takes}, e.g. ${join(comparison, 'none')}\n`);
      expect(adopt).toContain(`cannot adopt ${missing}: there is no such folder; nothing was recorded`);
      expect(data).toContain(`data folder ${missing} does not exist; give the folder that holds the four IDX files (train-images-idx3-ubyte, `);
      expect(readdirSync(dir)).toEqual(['cmp']);
      expect(readdirSync(comparison)).toEqual(['none']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
