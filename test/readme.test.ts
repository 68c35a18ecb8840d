import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

/** `penx [command] --help`'s output, one process per command for the whole file (the tests read it, none change it). */
const helps = new Map<string, Promise<string>>();
function helpOf(command = ''): Promise<string> {
  if (!helps.has(command))
    helps.set(
      command,
      import('./cli/run-penx.ts').then(async ({ penx }) => (await penx(...(command ? [command] : []), '--help')).stdout),
    );
  return helps.get(command)!;
}

/** The commands `penx --help` lists (`help` aside). */
const commandsOf = (help: string) => [...help.split('Commands:')[1]!.matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');

describe('README', () => {
  it('shows the example penalty exactly as the file in the repo has it', () => {
    expect(readFileSync('mnist-demo/examples/logsum-penalty.ts', 'utf8')).toContain(tsBlock('## Adding a penalty').trim());
  });

  it('shows the example monitor exactly as the file in the repo has it, and the command that uses it', () => {
    const heading = '### Your own measurement on the command line: `--monitor`';
    expect(readFileSync('mnist-demo/examples/class-accuracy.ts', 'utf8')).toContain(tsBlock(heading).trim());
    expect(readme.slice(readme.indexOf(heading))).toContain('npx penx train --penalty l1:1e-4 --monitor ./mnist-demo/examples/class-accuracy.ts');
  });

  it('says what the probe checks: a finite gradient at every probe weight, 0 among them (√|w| is refused, its slope at 0 infinite; it passed)', async () => {
    const { abs, definePenalty, penalty, probePenalty, tf } = await import('../src/index.ts');
    definePenalty({ name: 'sqrtabs', fn: (w) => tf.sqrt(abs(w)) });
    expect(() => probePenalty(penalty('sqrtabs:1'))).toThrow(/^penalty sqrtabs has gradient NaN at w = 0: /);
    const playground = readme.slice(readme.indexOf('## The playground'), readme.indexOf('## The library'));
    expect(playground.replace(/\s+/g, ' ')).toContain('a finite value and a finite gradient on probe weights, 0 among them');
  });

  it('Adding a penalty: the errors fit gives a penalty of your own code (not probed) are the ones it quotes (a comparison gave TF.js\'s bare "Cannot compute gradient")', async () => {
    const { abs, definePenalty, fit, penalty, tf } = await import('../src/index.ts');
    const section = readme.slice(readme.indexOf('## Adding a penalty'), readme.indexOf('## The command line')).replace(/\s+/g, ' ');
    const quoted = [...section.matchAll(/\("((?:the penalty is not finite|penalty \w+:[\d.]+ on )[^"]*)"/g)].map((m) => m[1]!.replace(/ …$/, ''));
    expect(quoted).toHaveLength(3);
    definePenalty({ name: 'mylog', fn: (w) => tf.log(abs(w)) });
    definePenalty({ name: 'root', fn: (w) => tf.sqrt(abs(w)) });
    definePenalty({ name: 'huber', fn: (w) => tf.where(tf.lessEqual(abs(w), 0.1), tf.square(w), abs(w)) });
    const refusal = (where: 'kernel' | 'bias', spec: string) => {
      const d = tf.layers.dense({ name: 'd', units: 2, inputShape: [3], [`${where}Regularizer`]: penalty(spec) });
      const model = tf.sequential({ layers: [d] });
      const [x, y] = [tf.ones([2, 3]), tf.zeros([2, 2])];
      return fit(model, { x, y }, { epochs: 1, batchSize: 2, loss: 'meanSquaredError' })
        .then(
          () => 'trained',
          (err: Error) => err.message,
        )
        .finally(() => {
          model.dispose();
          tf.dispose([x, y]);
        });
    };
    expect(await refusal('bias', 'mylog:1e-4')).toContain(quoted[0]);
    expect(await refusal('kernel', 'huber:1e-3')).toContain(quoted[1]);
    expect(await refusal('bias', 'root:1e-3')).toContain(quoted[2]);
  });

  it('names every option fit takes (FIT_OPTION_KEYS) in its list of fit’s options (monitors, name, info and signal were missing)', async () => {
    const { FIT_OPTION_KEYS } = await import('../src/index.ts');
    const start = readme.indexOf('Options: `epochs`');
    const list = readme.slice(start, readme.indexOf('\n\n', start));
    expect(list.length).toBeGreaterThan(100);
    expect(FIT_OPTION_KEYS.filter((key) => !list.includes(`\`${key}\``))).toEqual([]);
  });

  it('quick start is the two commands CI and users run', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('names the model module signature as penx train --help does', async () => {
    const help = (await helpOf('train')).replace(/\s+/g, ' ');
    const signature = '(inputShape, numClasses, { seed }) => tf.LayersModel';
    expect(help).toContain(`default export is ${signature} (or a Promise of one)`);
    expect(readme).toContain(`\`${signature}\` (or a Promise of one)`);
  });

  it('lists every flag of penx train --help in the README’s synopsis of penx train', async () => {
    const flags = [...(await helpOf('train')).matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== '--help');
    const synopsis = /`(penx train --penalty SPEC[\s\S]*?)` trains a model/.exec(readme)?.[1];
    expect(synopsis).toBeDefined();
    expect(flags.length).toBeGreaterThan(20);
    expect(flags.filter((f) => !new RegExp(`[\\s[|]${f}(?![a-z-])`).test(` ${synopsis}`))).toEqual([]);
  });

  it('Adding a penalty: penx penalties prints the line the README shows for the example module', async () => {
    const { penx } = await import('./cli/run-penx.ts');
    const section = readme.slice(readme.indexOf('## Adding a penalty'));
    const shown = /```sh\nnpx penx penalties (\S+)\n# (.*)\n```/.exec(section);
    expect(shown).not.toBeNull();
    const run = await penx('penalties', shown![1]!);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(shown![2]);
  });

  it('names as taking --serve only commands whose --help has it (Scripting)', async () => {
    const scripting = readme.slice(readme.indexOf('## Scripting')).replace(/\s+/g, ' ');
    const listed = /once listening; ((?:`\w+`, )*`\w+`) with `--serve`/.exec(scripting)?.[1];
    expect(listed).toBeDefined();
    for (const command of listed!.match(/\w+/g)!) expect(await helpOf(command), command).toContain('--serve');
  });

  it('the Scripting table has a row for every command whose --help offers --json (penx adopt had none)', async () => {
    const commands = commandsOf(await helpOf());
    const withJson = (await Promise.all(commands.map(async (c) => ((await helpOf(c)).includes('--json') ? c : undefined)))).filter(Boolean);
    expect(withJson).toContain('adopt');
    const table = readme.slice(readme.indexOf('| command | the document |'), readme.indexOf('| exit code | when |'));
    const rows = table.split('\n').map((row) => row.split(' | ')[0] ?? '');
    expect(withJson.filter((c) => !rows.some((first) => new RegExp(`\\bpenx (\\S*\\\\\\|)?${c}\\b`).test(first)))).toEqual([]);
  });

  it('The command line: every command its list shows is one of penx --help, and every flag on its line one of that command’s --help', async () => {
    const commands = commandsOf(await helpOf());
    expect(commands.length).toBeGreaterThan(10);
    const section = readme.slice(readme.indexOf('## The command line'));
    const list = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const lines = [...list.matchAll(/^npx penx ([a-z]+)(.*)$/gm)].map(([, command, rest]) => ({
      command: command!,
      flags: rest!.match(/--[a-z][a-z-]*/g) ?? [],
    }));
    expect(lines.length).toBeGreaterThan(15);
    expect(lines.map((l) => l.command).filter((c) => !commands.includes(c))).toEqual([]);
    const helpless = await Promise.all(
      lines.map(async ({ command, flags }) => {
        const help = await helpOf(command);
        return flags.filter((f) => !new RegExp(`${f}(?![a-z-])`).test(help)).map((f) => `penx ${command} ${f}`);
      }),
    );
    expect(helpless.flat()).toEqual([]);
  });

  it('has a repository field, so the registry page resolves the README’s images, and says how to keep the fast backend', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { repository?: { type: string; url: string } };
    expect(pkg.repository?.type).toBe('git');
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    // onnxruntime-node's install script only downloads CUDA libraries (a download that fails here): denied, here and in the README's line.
    const allow = (JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts: Record<string, boolean> }).allowScripts;
    expect(allow['onnxruntime-node']).toBe(false);
    expect(readme).toContain('npm pkg set allowScripts.onnxruntime-node=false');
  });

  it('installs the fast backend: onnxruntime-node is an optional peer dependency, so the install line names it', () => {
    const lib = JSON.parse(readFileSync('src/package.json', 'utf8')) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(lib.peerDependencies['onnxruntime-node']).toBeDefined();
    expect(lib.peerDependenciesMeta['onnxruntime-node']?.optional).toBe(true);
    const section = readme.slice(readme.indexOf('## The library'));
    expect(section).toMatch(/^npm install penalty-explorer @tensorflow\/tfjs onnxruntime-node\b/m);
    // What happens without it.
    expect(section.replace(/\s+/g, ' ')).toContain('Without it, training runs on WebAssembly');
  });

  it('quick start: what npm start trains and where its report is, as penx start has them, and says to open it', async () => {
    const { QUICK, REFERENCE_PENALTIES } = await import('../mnist-demo/experiment/reference.ts');
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Example output')).replace(/\s+/g, ' ');
    const count = (n: number) => n.toLocaleString('en').replace(',', ' ');
    expect(quick).toContain(`for ${QUICK.epochs} epochs on a seeded ${count(QUICK.trainSize)}-image subset (tested on ${count(QUICK.testSize)})`);
    expect(quick).toContain(
      REFERENCE_PENALTIES.split(',')
        .map((p) => `\`${p}\``)
        .join(', '),
    );
    expect(quick).toContain(`open \`${QUICK.out}/${QUICK.name}/report.html\` in your browser`);
  });

  it('the library’s install: the browser line names neither onnxruntime-node nor the allowScripts line, and the lines that do say they are for Node only', () => {
    const lib = JSON.parse(readFileSync('src/package.json', 'utf8')) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## The library')))![1]!;
    const [node, browser] = block.split(/\n\n/);
    expect(node).toMatch(/^# .*Node only/);
    expect(node).toContain('allowScripts.onnxruntime-node=false');
    expect(browser).toMatch(/^# for a browser page/);
    const installed = /^npm install (.*)$/m.exec(browser!)![1]!.split(/\s+/);
    // The browser line is complete: every peer dependency the library cannot do without, and no optional one.
    const required = Object.keys(lib.peerDependencies).filter((name) => !lib.peerDependenciesMeta[name]?.optional);
    expect([...installed].sort()).toEqual(['penalty-explorer', ...required].sort());
    expect(browser!.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([`npm install ${installed.join(' ')}`]);
  });

  it('the library in a browser: says TF.js takes webgl without setBackend, slow without a GPU, and how the playground tells (its own check)', () => {
    const browser = readme.slice(readme.indexOf('In a browser, pick the backend'), readme.indexOf('### Train any model')).replace(/\s+/g, ' ');
    expect(browser).toContain('Without a `tf.setBackend`, TF.js takes webgl');
    expect(browser).toContain('several times slower than wasm or cpu');
    // The renderers the README names are the ones the playground's worker passes webgl over for.
    const check = /function softwareWebGl[\s\S]*?return \/(.*?)\/i\.test/.exec(readFileSync('mnist-demo/playground/worker.ts', 'utf8'))![1]!;
    expect(browser).toContain('(`SwiftShader`, `llvmpipe`)');
    for (const renderer of ['SwiftShader', 'llvmpipe']) expect(new RegExp(check, 'i').test(renderer), renderer).toBe(true);
    expect(browser).toContain('`WEBGL_debug_renderer_info`');
  });

  it('the run folder table of penx train names every figure a run folder gets (with a constraint: projected.png too)', async () => {
    const { makeRunRecord } = await import('./fixtures/run-record-fixture.ts');
    const { drawRun } = await import('../src/node.ts');
    const table = readme.slice(readme.indexOf('| `run.json` | the run record'), readme.indexOf('**Run folders are safe to interrupt'));
    const dir = mkdtempSync(join(tmpdir(), 'penx-readme-files-'));
    try {
      await drawRun(dir, makeRunRecord({ epochs: 2, constraintBounds: { max: 2, axis: 0 } }), { all: true });
      const pngs = readdirSync(dir).filter((f) => f.endsWith('.png'));
      expect(pngs).toContain('projected.png');
      expect(pngs.map((f) => f.replace(/^epoch-\d{3}\.png$/, 'epoch-EEE.png')).filter((f) => !table.includes(`\`${f}\``))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('every link to one of its own headings, `](#anchor)`, finds the heading (GitHub’s anchor of it)', () => {
    const anchors = headingAnchors(readme);
    const links = [...readme.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it('names none of its own headings in italics where a link would take the reader there (*Speed*, *Reliability*, *Train any model* were plain text)', () => {
    // Prose alone: no fenced block, no code span; then every *italic* (not **bold**) or _italic_ phrase.
    const prose = readme.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
    const italics = [...prose.matchAll(/(?<![*\w])\*([^*\n]+)\*(?![*\w])|(?<!\w)_([^_\n]+)_(?!\w)/g)].map((m) => (m[1] ?? m[2])!);
    expect(italics).toContain('Sparsity against strength');
    const headings = [...headingTexts(readme)];
    // A heading's text, or the words it begins with (up to its `:` or the end of a word): `Reliability` for `Reliability: what penx writes…`.
    const names = (phrase: string) => headings.some((h) => h === phrase || h.startsWith(`${phrase}:`) || h.startsWith(`${phrase} `));
    expect(italics.filter(names)).toEqual([]);
  });

  it('Layout names src/render/ as a folder of src/ (it is not under viz/)', () => {
    const layout = readme.slice(readme.indexOf('## Layout')).replace(/\s+/g, ' ');
    expect(layout).toMatch(/ · `render\/` \(/);
    expect(layout).not.toMatch(/`viz\/` \([^)]*`render\/`/);
  });

  it('names every export of penalty-explorer/spec, and no other, in its list of that entry (PROX_FLAG, formatNumber, formatSpec, isModuleRef were missing)', async () => {
    const start = readme.indexOf('`penalty-explorer/spec` (the spec and number grammar');
    const list = readme.slice(start, readme.indexOf('browser-safe, no TF.js', start));
    // A name in code, alone (`splitSpecList`) or called (`checkSpec(kind, text)`); the entry's types are no runtime export, and not listed.
    const named = [...list.matchAll(/`([A-Za-z_$][\w$]*)(?=[`(])/g)].map((m) => m[1]!);
    expect([...new Set(named)].sort()).toEqual(Object.keys(await import('../src/spec.ts')).sort());
  });
});

describe('CONTRIBUTING', () => {
  it('lists every PENX_ environment variable the tests and their configuration read', async () => {
    const files = [
      'vitest.config.ts',
      ...readdirSync('test', { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `test/${f}`),
    ];
    const used = new Set(files.flatMap((f) => readFileSync(f, 'utf8').match(/process\.env\.PENX_\w+/g) ?? []).map((m) => m.slice('process.env.'.length)));
    expect(used).toContain('PENX_TEST_WORKERS');
    const contributing = readFileSync('CONTRIBUTING.md', 'utf8');
    for (const name of used) expect(contributing, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});

/** The text of a page's headings (those outside fenced code), without their Markdown (`` ` `` and `*`), in order. */
function* headingTexts(markdown: string): Generator<string> {
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading !== undefined) yield heading.replace(/[`*]/g, '');
  }
}

/**
 * The anchors GitHub gives a page's headings (`headingTexts`): the text lower-cased, every character but a
 * letter, digit, `_`, `-` or space dropped, spaces made `-`, and `-1`, `-2`, … after a repeated one — e.g.
 * `### \`penx\` in your own project` is `#penx-in-your-own-project`.
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const heading of headingTexts(markdown)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** The `index`-th TypeScript block after `heading` (0: the first). */
function tsBlock(heading: string, index = 0): string {
  const section = readme.slice(readme.indexOf(heading));
  const snippet = [...section.matchAll(/```ts\n([\s\S]*?)```/g)][index]?.[1];
  expect(snippet, `${heading} #${index}`).toBeDefined();
  return snippet!;
}

/**
 * A fresh folder of the OS's for the snippets (removed after them), whose `node_modules` is the repository's:
 * `penalty-explorer` resolves to this package (dist/) by its own name, as do TF.js and tsx, and the working
 * tree stays as it was.
 */
function snippetFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'penx-readme-snippets-'));
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'junction');
  return dir;
}

let snippets = '';

/**
 * Run a TypeScript block after `heading` as a user would, against the built package; its output.
 * The block is written as `file` in the snippets' folder (`snippetFolder`).
 * `before`/`after`: what the README leaves to the reader (its model and data) and what it prints;
 * `cwd`: where it runs (its relative paths), else the repository.
 */
async function runSnippet(heading: string, file: string, options: { index?: number; before?: string; after?: string; cwd?: string } = {}): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const snippet = tsBlock(heading, options.index);
  writeFileSync(join(snippets, file), `${options.before ?? ''}${snippet}${options.after ?? ''}`);
  // tsx by its path: from another working directory, its name would not resolve.
  const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
  return execFileSync(process.execPath, ['--import', tsx, join(snippets, file)], { encoding: 'utf8', ...(options.cwd ? { cwd: options.cwd } : {}) });
}

describe('README library examples run as written, against the built package', () => {
  // The repository's entries (ignored ones too) before the snippets ran: the last test compares.
  const entries = () => readdirSync('.').sort();
  let before: string[] = [];
  beforeAll(() => {
    before = entries();
    snippets = snippetFolder();
  });
  afterAll(() => rmSync(snippets, { recursive: true, force: true }));

  it('fit on a model of its own', async () => {
    const out = await runSnippet('### Train any model and see its weights', 'readme-fit.mts');
    expect(out).toMatch(/^accuracy (0\.\d+|1), \|w\| < 1e-3: \d+\.\d %$/m);
    // Each weight's penalty and constraint, and the penalty as the sum of the per-weight terms.
    expect(out).toContain('hidden/kernel: l1:0.001, maxnorm:m=2,axis=0');
    expect(out).toContain('out/bias: no penalty, no constraint');
    expect(out).toMatch(/^penalty [\d.e-]+ = Σ [\d.e-]+ \+ 0 \+ [\d.e-]+ \+ 0$/m);
  }, 60_000);

  it('a monitor of its own: the dead ReLU units per layer, in every snapshot', async () => {
    const out = await runSnippet('### Your own measurement: a `Monitor`', 'readme-monitor.mts');
    const lines = out.trim().split('\n');
    expect(lines.map((l) => l.replace(/\{.*\}/, '{}'))).toEqual(['epoch 0: dead {}', 'epoch 1: dead {}', 'epoch 2: dead {}', 'epoch 3: dead {}']);
    for (const line of lines) {
      const dead = JSON.parse(/\{.*\}/.exec(line)![0]) as Record<string, number>;
      expect(Object.keys(dead)).toEqual(['hidden']);
      // A share of 32 units.
      expect(Number.isInteger(Math.round(dead['hidden']! * 32 * 1e6) / 1e6)).toBe(true);
      expect(dead['hidden']).toBeGreaterThanOrEqual(0);
      expect(dead['hidden']).toBeLessThanOrEqual(1);
    }
  }, 90_000);

  it('the penalties’ shapes from the records alone (storedPenaltyCurves), for penaltyShapesSpec', async () => {
    const { makeRunRecord } = await import('./fixtures/run-record-fixture.ts');
    const points = [-1, -0.5, 0, 0.5, 1].map((w) => ({ w, value: 1e-4 * Math.abs(w), slope: 1e-4 * Math.sign(w) }));
    const stored = makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' });
    const withCurve = { ...stored, config: { ...stored.config, penaltyCurves: [{ spec: 'l1:1e-4', formula: 'λ·Σ|w|', points }] } };
    const without = makeRunRecord({ epochs: 1, penalty: 'l2:1e-4' });
    // The README's `runs`: a record with its curve stored, one without.
    const before = `import { readRunRecord } from 'penalty-explorer';\nconst runs = ${JSON.stringify([withCurve, without])}.map(readRunRecord);\n`;
    const after = `\nconsole.log(JSON.stringify({ curves, missing, rows: (spec as { data: { values: unknown[] } }).data.values }));\n`;
    const out = JSON.parse((await runSnippet('### Figures and the report', 'readme-shapes.mts', { before, after })).trim().split('\n').at(-1)!);
    expect(out.missing).toEqual(['l2:1e-4']);
    expect(out.curves).toEqual([{ spec: 'l1:1e-4', formula: 'λ·Σ|w|', points: points.slice(1, 4) }]);
    expect(out.rows).toEqual(points.slice(1, 4).map((p) => ({ penalty: 'l1:1e-4', ...p })));
  }, 60_000);

  it('the dashboard’s runs in an address: askRuns writes one run=ID each, runIdsOf reads them and the older runs=a,b', async () => {
    const after = `\nconsole.log(JSON.stringify({ page, overlay, asked, older }));\n`;
    const out = JSON.parse((await runSnippet('### Figures and the report', 'readme-runs.mts', { index: 1, after })).trim().split('\n').at(-1)!);
    expect(out).toEqual({
      page: 'http://127.0.0.1:6060/?run=cmp%2Fl1%2Cstrong&run=none',
      overlay: 'http://127.0.0.1:6060/api/view/overlay?run=cmp%2Fl1%2Cstrong&run=none&epoch=3',
      asked: ['cmp/l1,strong', 'none'],
      older: ['cmp/l1', 'none'],
    });
    // The comments say what the code gives.
    const block = tsBlock('### Figures and the report', 1);
    expect(block).toContain('// run=cmp%2Fl1%2Cstrong&run=none');
    expect(block).toContain("// ['cmp/l1,strong', 'none']");
    expect(block).toContain("// ['cmp/l1', 'none']");
  }, 60_000);

  it('a figure drawn in a page: toVega, then Vega’s View to an SVG string', async () => {
    const { makeRunRecord } = await import('./fixtures/run-record-fixture.ts');
    const before = `import { readRunRecord } from 'penalty-explorer';\nconst record = readRunRecord(${JSON.stringify(makeRunRecord({ epochs: 2, penalty: 'l1:1e-4' }))});\n`;
    const after = `\nconsole.log(JSON.stringify({ start: svg.slice(0, 4), title: svg.includes('Weights per epoch'), panels: new Set(svg.match(/epoch=\\d+ /g)).size }));\n`;
    const out = JSON.parse((await runSnippet('### Figures and the report', 'readme-draw.mts', { index: 2, before, after })).trim().split('\n').at(-1)!);
    // One panel per snapshot: the untrained model and both epochs.
    expect(out).toEqual({ start: '<svg', title: true, panels: 3 });
  }, 60_000);

  it('a run folder on the chosen backend: gradientsFor takes selectBackend’s answer, and the run is written', async () => {
    const { execFileSync } = await import('node:child_process');
    const { existsSync, writeFileSync } = await import('node:fs');
    const snippet = tsBlock('### Run folders, backends and both cores');
    // The snippet's model and data (the README leaves them to the reader), then what it chose.
    const preamble = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
const x = tf.randomNormal([64, 4], 0, 1, 'float32', 1);
const y = tf.argMax(tf.matMul(x, tf.randomNormal([4, 3], 0, 1, 'float32', 2)), 1);
const [xv, yv] = [x, y];
`;
    writeFileSync(
      join(snippets, 'readme-node.mjs'),
      `${preamble}${snippet}\nconsole.log(JSON.stringify({ note: note ?? null, epochs: record.epochs.length }));\n`,
    );
    // Its run folder (runs/mine) in a folder of its own: the working directory, not the repository.
    const cwd = mkdtempSync(join(tmpdir(), 'penx-readme-'));
    try {
      const out = execFileSync(process.execPath, [join(snippets, 'readme-node.mjs')], { cwd, encoding: 'utf8' });
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ note: null, epochs: 10 });
      expect(existsSync(join(cwd, 'runs', 'mine', 'run.json'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('exact zeros with a proximal L1 penalty, and the prune curve', async () => {
    const out = await runSnippet('### Exact zeros, the prune curve and the sparse size', 'readme-prox.mts');
    const zeros = Number(/^exact zeros: (\d+) of 387 weights$/m.exec(out)?.[1]);
    expect(zeros).toBeGreaterThan(0);
    expect(out).toMatch(/^99\.5 % pruned: acc \d\.\d{3}, \d+ B sparse \(\d+\.\d× smaller\)$/m);
  }, 90_000);
  it('with TF.js’s own model.fit: enforceConstraints keeps the MaxNorm bound, recordWeights records every epoch', async () => {
    const before = `import * as tfjs from '@tensorflow/tfjs';
import { constraint, penalty } from 'penalty-explorer';
const x = tfjs.randomNormal([64, 6], 0, 1, 'float32', 1);
const y = tfjs.oneHot(tfjs.argMax(tfjs.matMul(x, tfjs.randomNormal([6, 3], 0, 1, 'float32', 2)), 1), 3);
const [xv, yv] = [x, y];
const model = tfjs.sequential({ layers: [tfjs.layers.dense({ units: 4, inputShape: [6], kernelInitializer: tfjs.initializers.constant({ value: 3 }), kernelRegularizer: penalty('l2:1e-4'), kernelConstraint: constraint('maxnorm:m=1') }), tfjs.layers.dense({ units: 3, activation: 'softmax' })] });
model.compile({ optimizer: tfjs.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
`;
    const after = `
const norms = tfjs.tidy(() => tfjs.sqrt(tfjs.sum(tfjs.square(model.layers[0]!.getWeights()[0]!), 0)).dataSync());
console.log(JSON.stringify({ format: recorder.record.format, epochs: recorder.record.epochs.length, maxNorm: Math.max(...norms) }));
`;
    const out = JSON.parse((await runSnippet("### With TF.js's own `model.fit`", 'readme-model-fit.mts', { before, after })).trim().split('\n').at(-1)!);
    expect(out.format).toBe('penalty-explorer/run@3');
    expect(out.epochs).toBe(5);
    // The initial columns' norm is 3·√6; the bound holds after the batches.
    expect(out.maxNorm).toBeLessThanOrEqual(1 + 1e-5);
  }, 90_000);

  it('penalties, constraints and optimisers: one trainStep, then the per-layer controls on the reference CNN’s layer names', async () => {
    const heading = '### Penalties, constraints and optimisers';
    const data = `import * as tfjs from '@tensorflow/tfjs';
const xs = tfjs.randomNormal([16, 784], 0, 1, 'float32', 1);
const ys = tfjs.oneHot(tfjs.randomUniform([16], 0, 10, 'int32', 2), 10);
`;
    const step = await runSnippet(heading, 'readme-step.mts', { before: data, after: '\nconsole.log(JSON.stringify({ dataLoss, penaltyLoss }));\n' });
    const { dataLoss, penaltyLoss } = JSON.parse(step.trim().split('\n').at(-1)!);
    expect(dataLoss).toBeGreaterThan(0);
    // deadzone:1e-4,a=0.25 on a fresh kernel, all of whose |w| are below 0.25 (Glorot: ≤ 0.087).
    expect(penaltyLoss).toBe(0);
    // The model the README's second block assumes: the reference CNN's layer names.
    const cnn = `import * as tfjs from '@tensorflow/tfjs';
const model = tfjs.sequential({ layers: [
  tfjs.layers.conv2d({ name: 'conv2d_1', inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
  tfjs.layers.conv2d({ name: 'conv2d_2', filters: 2, kernelSize: 3 }),
  tfjs.layers.conv2d({ name: 'conv2d_3', filters: 2, kernelSize: 3 }),
  tfjs.layers.flatten(),
  tfjs.layers.dense({ name: 'dense_1', units: 4 }),
  tfjs.layers.dense({ name: 'dense_2', units: 3 }),
] });
`;
    const after = '\nconsole.log(JSON.stringify([opt.getClassName(), custom.getClassName()]));\n';
    const controls = await runSnippet(heading, 'readme-controls.mts', { index: 1, before: cnn, after });
    expect(JSON.parse(controls.trim().split('\n').at(-1)!)).toEqual(['penx.TransformOptimizer', 'penx.TransformOptimizer']);
  }, 90_000);

  it('portable models: saved portable, loaded back with every penalty and constraint', async () => {
    const before = `import * as tfjs from '@tensorflow/tfjs';
import { constraint, penalty } from 'penalty-explorer';
const model = tfjs.sequential({ layers: [tfjs.layers.dense({ units: 3, inputShape: [4], kernelRegularizer: penalty('deadzone:1e-4,a=0.25'), kernelConstraint: constraint('maxnorm:m=2') })] });
`;
    const after = `
const config = again.layers[0]!.getConfig();
console.log(JSON.stringify([config['kernelRegularizer'], config['kernelConstraint']]));
`;
    const cwd = mkdtempSync(join(tmpdir(), 'penx-readme-'));
    try {
      const out = await runSnippet('**Portable models.**', 'readme-portable.mts', { before, after, cwd });
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual([
        { className: 'penx.deadzone', config: { strength: 1e-4, a: 0.25 } },
        { className: 'penx.constraint.maxnorm', config: { m: 2, axis: [0], perchannel: 0 } },
      ]);
      // Plain TF.js reads no penx class in model.json's topology.
      expect(JSON.stringify(JSON.parse(readFileSync(join(cwd, 'export/model/model.json'), 'utf8')).modelTopology)).not.toContain('penx.');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 90_000);

  it('adding a penalty: loadPenalty imports the example module and normalises its spec', async () => {
    const out = await runSnippet('## Adding a penalty', 'readme-load-penalty.mts', { index: 1, after: '\nconsole.log(reg.spec);\n' });
    expect(out.trim().split('\n').at(-1)).toBe('logsum:1e-4,eps=0.05');
  }, 60_000);

  it('penx in your own project: its my-model.ts builds as penx train --model builds it (in-process, as penx does before training)', async () => {
    const { writeFileSync } = await import('node:fs');
    const { modelMaker } = await import('../mnist-demo/experiment/model-source.ts');
    const file = join(snippets, 'my-model.ts');
    writeFileSync(file, tsBlock('## `penx` in your own project'));
    // The bundled MNIST's shape; modelMaker checks the model fits it and repeats from its seed.
    const make = await modelMaker({ kind: 'module', path: file }, { shape: [28, 28, 1], classes: 10 });
    const model = await make(42);
    try {
      expect(model.layers.map((l) => l.name)).toEqual(['flat', 'hidden', 'out']);
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('leaves the working tree as it found it: the snippets ran in a folder of the OS’s', () => {
    expect(entries()).toEqual(before);
  });
});
