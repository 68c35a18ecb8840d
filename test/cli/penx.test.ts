import { describe, expect, it } from 'vitest';
import { OPTIMIZER_SIGNATURES, TRANSFORM_SIGNATURES } from '../../src/spec.ts';
import { penx } from './run-penx.ts';

describe('penx', () => {
  it.concurrent('--help lists the commands', async () => {
    const r = await penx('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['train', 'compare', 'plot', 'start', 'bench', 'penalties', 'constraints', 'optimizers'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    // The way to a penalty of one's own, from the first help on (it was only in train's --penalty and penalties --help).
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('check specs (a module of yours too: ./my-penalty.ts:1e-4)');
  });

  it.concurrent('penalties prints the table from the registry', async () => {
    const r = await penx('penalties');
    expect(r.code).toBe(0);
    for (const line of [
      /^l1\s+λ·Σ\|w\|\s+λ=1e-4/m,
      /^deadzone\s+λ·Σ max\(0, \|w\| − a\)\s+λ=1e-4 \(≥ 0\), a=0\.25 \(≥ 0\)/m,
      /^lp\s+λ·Σ\|w\|\^p\s+.*p=2 \(> 0\)/m,
      /^none\s+0\s+—/m,
    ]) {
      expect(r.stdout).toMatch(line);
    }
    expect(r.stderr).toBe('');
  });

  it.concurrent('penalties SPEC… prints normalised forms and formulas, including a user module', async () => {
    const r = await penx('penalties', 'deadzone:1e-4', 'lp:0.0001,p=3', 'none', './mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'deadzone:1e-4,a=0.25\tλ·Σ max(0, |w| − a)',
      'lp:1e-4,p=3\tλ·Σ|w|^p',
      'none\t0',
      'logsum:1e-4,eps=0.05\tλ·Σ log(1 + |w|/eps)\t(from ./mnist-demo/examples/logsum-penalty.ts)',
    ]);
  });

  it.concurrent('constraints prints the table and checks specs', async () => {
    const table = await penx('constraints');
    expect(table.stdout).toMatch(/^minmaxnorm\s+w ← w · \(rate·clip\(‖w‖, min, max\) \+ \(1−rate\)·‖w‖\) \/ \(ε \+ ‖w‖\)\s+min=0/m);
    const r = await penx('constraints', 'minmaxnorm:min=0,max=5,rate=0.1', './test/fixtures/constraints/clip.ts:c=2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('minmaxnorm:min=0,max=5,rate=0.1,axis=0\t');
    expect(r.stdout).toContain('clipvalue:c=2\tclip(w, −c, c)');
    // perchannel=1 overrides the axis: the spec shown has none (it showed axis=0, as if the norms were taken along it).
    const perChannel = await penx('constraints', 'maxnorm:m=2,perchannel=1', 'unitnorm:axis=0,perchannel=1');
    expect(perChannel.code, perChannel.stderr).toBe(0);
    expect(perChannel.stdout.split('\n').map((line) => line.split('\t')[0])).toEqual(['maxnorm:m=2,perchannel=1', 'unitnorm:perchannel=1', '']);
  });

  it.concurrent('every command has --help', async () => {
    for (const cmd of ['train', 'compare', 'plot', 'start', 'bench', 'penalties', 'constraints', 'optimizers']) {
      const r = await penx(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`^Usage: penx ${cmd}`, 'm'));
    }
    // npm start (the main job, about 3 minutes on 2 cores) is run by hand, not in CI: its help says what it does.
    expect((await penx('start', '--help')).stdout.replace(/\s+/g, ' ')).toMatch(/compare none, l1, l2, l3, l4, deadzone on the bundled MNIST/);
  });

  it.concurrent('no option or argument states its default twice (in its text and as commander adds it)', async () => {
    const commands = [...(await penx('--help')).stdout.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!);
    expect(commands).toContain('serve');
    for (const cmd of commands.filter((c) => c !== 'help')) {
      // One entry per option or argument, its wrapped lines joined.
      const entries = (await penx(cmd, '--help')).stdout
        .replace(/\n {4,}(?=\S)/g, ' ')
        .split('\n')
        .filter((line) => /^ {2}\S/.test(line));
      expect(entries, cmd).toContainEqual(expect.stringMatching(/^ {2}-h, --help/));
      // Before, serve's and playground's --host: '…; default 127.0.0.1 (this machine only) (default: "127.0.0.1")'.
      for (const entry of entries) expect(entry.match(/\bdefault\b(?! export)/g)?.length ?? 0, `penx ${cmd}: ${entry}`).toBeLessThanOrEqual(1);
    }
  });

  it.concurrent('--optimizer and --grad name every built-in of the library, from its signatures (adagrad, added later, too)', async () => {
    const help = (await penx('train', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`--optimizer <spec> the optimiser with its parameters: ${Object.keys(OPTIMIZER_SIGNATURES).join(', ')}, e.g.`);
    expect(help).toContain(`(${Object.keys(TRANSFORM_SIGNATURES).join(', ')}, or a module such as ./my-transform.ts)`);
    expect(Object.keys(OPTIMIZER_SIGNATURES)).toContain('adagrad');
  });

  it.concurrent("--name, --resume and --force say what they do in each command, and --name's default is that command's", async () => {
    // The help with its line breaks undone.
    const help = async (cmd: string) => (await penx(cmd, '--help')).stdout.replace(/\s+/g, ' ');
    const [train, compare, sweep] = await Promise.all(['train', 'compare', 'sweep'].map(help));
    expect(train).toContain('--name <name> the run folder name (default from the penalty, e.g. l1_1e-4)');
    expect(train).toContain('--resume continue an interrupted run from its last finished epoch');
    expect(compare).toContain('--name <name> the comparison folder name (default: compare;');
    expect(compare).toContain('--force replace an existing comparison folder');
    expect(sweep).toContain("--name <name> the sweep folder name and the sweep's name on a queue (default: sweep)");
    expect(sweep).toContain(
      '--resume changes nothing, accepted for symmetry with train and compare: a sweep always skips finished runs and resumes the others',
    );
    for (const text of [compare, sweep]) expect(text).not.toContain('default from the penalty');
    // A module of yours is named in every command's list of penalties (compare and sweep said only 'penalty specs').
    expect(train).toContain('./my-penalty.ts:1e-4 (see penx penalties)');
    expect(compare).toContain('--penalties <list> comma-separated penalty specs, built in or a module of yours, e.g. none,l1:1e-4,./my-penalty.ts:1e-4');
    expect(sweep).toContain('or a module of yours, ./my-penalty.ts (none: the baseline, once per seed)');
  });
});

// Each bad input: exit code 2 and one message saying what was wrong and what is accepted.
const BAD_PENALTIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['l5:1e-4', /unknown penalty 'l5'.*Accepted: none, l1, l2, l1l2, l3, l4, lp, deadzone/],
  ['l1:abc', /strength of l1 must be a number, got 'abc'/],
  ['l1:', /strength of l1 is missing a value/],
  ['l1:-1e-4', /strength of l1 must be a finite number ≥ 0, got -1e-4/],
  ['l2:inf', /strength of l2 must be a finite number ≥ 0, got Infinity/],
  ['l2:nan', /strength of l2 must be a finite number ≥ 0, got NaN/],
  ['deadzone:1e-4,a=-0.1', /deadzone parameter a=-0.1 is not allowed; expected a finite number ≥ 0/],
  ['deadzone:1e-4,a=', /deadzone parameter a is missing a value/],
  ['deadzone:1e-4,a=wide', /deadzone parameter a must be a number, got 'wide'/],
  ['lp:1e-4,p=0', /lp parameter p=0 is not allowed; expected a finite number > 0/],
  ['lp:1e-4,p=-2', /lp parameter p=-2 is not allowed/],
  ['deadzone:1e-4,b=2', /unknown parameter 'b' for penalty deadzone.*accepts: a=0\.25 \(≥ 0\)/],
  ['none:1e-4', /penalty none takes no strength/],
  ['./test/fixtures/penalties/missing.ts:1e-4', /penalty module '.*missing\.ts' not found/],
  ['./test/fixtures/penalties/no-default.ts', /has no default export \(it exports notAPenalty\); export default the result of definePenalty/],
  ['./test/fixtures/penalties/plain-object.ts', /default export is not made by definePenalty/],
  ['./test/fixtures/penalties/throws-on-import.ts', /failed to load: boom while importing/],
  [
    './test/fixtures/penalties/throws-on-call.ts',
    /penalty throwsoncall \(from \.\/test\/fixtures\/penalties\/throws-on-call\.ts\) threw on a probe tensor.*boom inside the penalty/,
  ],
  ['./test/fixtures/penalties/non-scalar.ts', /returned a tensor of shape \[17\] for weights of shape \[4,4\]; return a scalar or an element-wise tensor/],
  ['./test/fixtures/penalties/non-finite.ts', /penalty nonfinite \(from \.\/test\/fixtures\/penalties\/non-finite\.ts\) returned -Infinity on a probe tensor/],
  ['./mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0', /logsum parameter eps=0 is not allowed; expected a finite number > 0/],
];

const BAD_CONSTRAINTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['maxnorm:m=-1', /maxnorm parameter m=-1 is not allowed/],
  ['minmaxnorm:min=3,max=1', /minmaxnorm needs min ≤ max/],
  ['minmaxnorm:rate=1.5', /rate=1.5 is not allowed; expected a finite number ≥ 0, ≤ 1/],
  ['unitnorm:axis=0.5', /axis=0.5 is not allowed; expected an integer/],
  ['maxnorm:2', /takes key=value parameters only/],
  ['squash', /unknown constraint 'squash'.*Accepted: maxnorm, nonneg, unitnorm, minmaxnorm/],
  ['./test/fixtures/constraints/wrong-shape.ts', /constraint wrongshape returned shape \[\] for weights of shape \[3,3,2,4\]/],
];

describe('bad input exits 2 with one clear message', () => {
  for (const [spec, message] of BAD_PENALTIES) {
    it.concurrent(`penalties ${spec}`, async () => {
      const r = await penx('penalties', spec);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }
  for (const [spec, message] of BAD_CONSTRAINTS) {
    it.concurrent(`constraints ${spec}`, async () => {
      const r = await penx('constraints', spec);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
  it.concurrent('an unknown command or option', async () => {
    expect((await penx('frobnicate')).code).toBe(2);
    const r = await penx('penalties', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
  });
});

describe('penx optimizers', () => {
  it('lines the columns up, combining marks (m̂, v̂) included', async () => {
    const r = await penx('optimizers');
    const lines = r.stdout.split('\n').filter((l) => /^(sgd|momentum|adam|adadelta|rmsprop|adamw|adagrad) /.test(l));
    expect(lines).toHaveLength(7);
    // The parameters column starts at the same terminal column on every row.
    const columns = lines.map((l) => [...l.replace(/\p{M}/gu, '')].join('').indexOf('lr='));
    expect(new Set(columns).size).toBe(1);
    // Then the gradient transforms --grad takes, from their signatures.
    expect(r.stdout).toMatch(/^clipglobalnorm +gᵢ ← gᵢ · min\(1, c \/ ‖\(g₁, …, gₙ\)‖₂\) +c=1/m);
    expect(r.stdout).toMatch(/^zero +g ← 0 +\(no parameters\)/m);
  });
});
