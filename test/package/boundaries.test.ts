/**
 * The boundaries `npm test` enforces (.dependency-cruiser.cjs, run by `npm run boundaries` before
 * the tests): the project's own rules, run on a small tree that breaks each of them once, name
 * every break — so a rule that stopped matching (a renamed folder, a regex gone wrong) fails here
 * instead of passing everything. And `npm test` runs them, with the type check and the lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const tree = mkdtempSync(join(tmpdir(), 'penx-boundaries-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

/** Each file of the tree and the rule it breaks. */
const FILES: Record<string, string> = {
  // A cycle of files, and so of folders: a imports b, b imports a.
  'src/a/index.ts': "import { b } from '../b/index.ts';\nexport const a = () => b;\n",
  'src/b/index.ts': "import { a } from '../a/index.ts';\nexport const b = () => a;\n",
  // Past a folder's entry: d imports c's file, not c/index.ts.
  'src/c/index.ts': "export { x } from './x.ts';\n",
  'src/c/x.ts': 'export const x = 1;\n',
  'src/d/index.ts': "import { x } from '../c/x.ts';\nexport const d = x;\n",
  // The browser entry reaches Node and a Node-only folder.
  'src/index.ts': "import { readFileSync } from 'node:fs';\nimport { lock } from './folders/index.ts';\nexport const root = [readFileSync, lock];\n",
  'src/folders/index.ts': 'export const lock = 1;\n',
  // viz reaches TF.js, and a folder other than the formats.
  'src/viz/index.ts': "import * as tf from '@tensorflow/tfjs';\nimport { step } from '../training/index.ts';\nexport const viz = [tf, step];\n",
  'src/training/index.ts': 'export const step = 1;\n',
  // The spec grammar's entry, light for penx's early checks, reaches TF.js.
  'src/spec.ts': "import * as tf from '@tensorflow/tfjs';\nexport const spec = tf;\n",
  // The library imports the app; the app reaches past the package's entries.
  'src/errors.ts': "import { cli } from '../mnist-demo/cli.ts';\nexport const errors = cli;\n",
  'mnist-demo/cli.ts': "import { step } from '../src/training/index.ts';\nexport const cli = step;\n",
  // A stand-in for TF.js, installed in the tree.
  'node_modules/@tensorflow/tfjs/package.json': JSON.stringify({ name: '@tensorflow/tfjs', version: '4.22.0', main: 'index.js' }),
  'node_modules/@tensorflow/tfjs/index.js': 'exports.tf = 1;\n',
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
};

describe('boundaries', () => {
  it('every rule names its break in a tree that breaks each once', () => {
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
    const bin = join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const r = spawnSync(process.execPath, [bin, 'src', 'mnist-demo', '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
      cwd: tree,
      encoding: 'utf8',
      maxBuffer: 32 << 20,
    });
    expect(r.stdout, r.stderr).toMatch(/^\{/);
    const { summary } = JSON.parse(r.stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
    const broken = (rule: string) => summary.violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} → ${v.to}`);
    expect(broken('no-circular')).toContain('src/a/index.ts → src/b/index.ts');
    expect(broken('no-circular-folders').length).toBeGreaterThan(0);
    expect(broken('enter-folders-through-index-0')).toContain('src/d/index.ts → src/c/x.ts');
    expect(broken('browser-entries-reach-no-node').some((v) => v.startsWith('src/index.ts → ') && v.includes('fs'))).toBe(true);
    expect(broken('browser-entries-reach-no-node-folders')).toContain('src/index.ts → src/folders/index.ts');
    expect(broken('viz-reaches-no-tfjs').some((v) => v.startsWith('src/viz/index.ts → node_modules/@tensorflow/'))).toBe(true);
    expect(broken('light-entries-reach-no-tfjs').some((v) => v.startsWith('src/spec.ts → node_modules/@tensorflow/'))).toBe(true);
    expect(broken('viz-depends-on-formats-only')).toContain('src/viz/index.ts → src/training/index.ts');
    expect(broken('library-never-imports-the-app')).toContain('src/errors.ts → mnist-demo/cli.ts');
    expect(broken('app-imports-package-entries-only')).toContain('mnist-demo/cli.ts → src/training/index.ts');
  }, 120_000);

  it('npm test checks types, lint and format, and the boundaries before the tests', () => {
    const scripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test']).toBe('npm run typecheck && npm run lint && npm run boundaries && vitest run');
    expect(scripts['boundaries']).toMatch(/^depcruise src mnist-demo --config \.dependency-cruiser\.cjs/);
    expect(scripts['lint']).toMatch(/^biome ci\b/);
  });
});
