/**
 * How the built ES modules load TF.js under Node: by `require`, through `#tf` (src/package.json
 * `imports`, node condition → dist/tf-require.mjs). `@tensorflow/tfjs` is CommonJS under Node; an
 * ES import of it gets the same module behind a namespace whose names Node first finds by lexing
 * it and every package it re-exports: ~0.2 s of CPU in every `penx` process and shard worker.
 * Bundlers (their `module` condition) and browsers take dist/tf-import.mjs, the plain ES import (the consumer
 * test bundles it for the browser; below, esbuild bundles it for Node).
 * The tests, run from the sources, take TF.js the same way: src/tf.ts is src/tf-require.ts there (vitest.config.ts).
 */

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as ns from '@tensorflow/tfjs';
import { type BuildOptions, build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.ts';

const repo = resolve(import.meta.dirname, '../..');

describe('TF.js in the built ES modules, under Node', () => {
  it('no ES module of the library or of penx imports @tensorflow/tfjs, but the non-Node side of #tf', () => {
    const importers: string[] = [];
    for (const dir of ['src/dist', 'mnist-demo/dist'])
      for (const name of readdirSync(join(repo, dir)).filter((f) => f.endsWith('.mjs'))) {
        const text = readFileSync(join(repo, dir, name), 'utf8');
        // A static import or re-export (a statement at a line's start: not a doc comment's example), or a dynamic import.
        if (/^(?:import|export)\b[^;]*?\bfrom\s*["']@tensorflow\/tfjs["']|\bimport\(\s*["']@tensorflow\/tfjs["']\s*\)/m.test(text))
          importers.push(`${dir}/${name}`);
      }
    expect(importers).toEqual(['src/dist/tf-import.mjs']);
    const pkg = JSON.parse(readFileSync(join(repo, 'src/package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> };
    expect(pkg.imports['#tf']).toEqual({ module: './dist/tf-import.mjs', node: './dist/tf-require.mjs', default: './dist/tf-import.mjs' });
    // The workers Node starts from the build: the shard worker takes TF.js through #tf; onnxruntime's loads none.
    expect(readFileSync(join(repo, 'src/dist/worker.mjs'), 'utf8')).toMatch(/from "#tf"/);
  });

  it('the library’s tf is the one TF.js module: require’s, the default of a user’s import, with its engine and registry', () => {
    // A user's ES module in this repository, importing TF.js and the library (the built ES modules) by their names.
    const script = `import * as ns from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { penalty, tf } from 'penalty-explorer';
import * as node from 'penalty-explorer/node';
const required = createRequire(import.meta.url)('@tensorflow/tfjs');
class Mine extends ns.serialization.Serializable {
  static className = 'MineForTfLoading';
  getConfig() { return {}; }
}
ns.serialization.registerClass(Mine);
const x = ns.tensor([1, -2]);
console.log(JSON.stringify({
  required: tf === required,
  nodeEntry: node.tf === tf,
  importDefault: ns.default === tf,
  differing: Object.keys(ns).filter((k) => k !== 'default' && ns[k] !== tf[k]),
  engine: ns.engine() === tf.engine(),
  registered: 'MineForTfLoading' in tf.serialization.SerializationMap.getMap().classNameMap,
  tensor: x instanceof tf.Tensor,
  value: penalty('l1:0.5').apply(x).dataSync()[0],
  resolved: import.meta.resolve('penalty-explorer').endsWith('/src/dist/index.mjs'),
}));
`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual({
      required: true,
      nodeEntry: true,
      importDefault: true,
      differing: [],
      engine: true,
      registered: true,
      tensor: true,
      value: 1.5,
      resolved: true,
    });
  });
});

describe('TF.js in the built ES modules, bundled for Node (esbuild)', () => {
  /**
   * A user's module importing TF.js and the library, bundled whole (TF.js too) for Node; each bundle run in its own
   * process: the library's penalty works and its `tf` is the TF.js the user's import got (one copy: a second one
   * would re-register every kernel, "already registered", and keep its own classes).
   */
  const user = `import * as ns from '@tensorflow/tfjs';
import { penalty, tf } from 'penalty-explorer';
console.log(JSON.stringify({ value: penalty('l1:0.5').apply(tf.tensor([1, -2])).dataSync()[0], oneTf: ns.tensor === tf.tensor && ns.Tensor === tf.Tensor && ns.engine() === tf.engine() }));
`;
  // An ES bundle of TF.js's CommonJS needs a `require` for what it requires of Node (util, …): esbuild's advice.
  const requireBanner = "import { createRequire as createRequire_ } from 'node:module'; const require = createRequire_(import.meta.url);";
  const cases: [string, BuildOptions, string][] = [
    // esbuild's default conditions include `module`: #tf is the plain ES import, bundled with the user's
    // (Node's side took TF.js from node_modules at run time: a second copy next to the bundled one).
    ['an ES module', { format: 'esm', banner: { js: requireBanner } }, 'tf-import.mjs'],
    // Conditions of one's own drop `module`: #tf is Node's side, whose `import.meta` a CommonJS bundle leaves empty
    // (createRequire(undefined) threw); it takes the bundle's `require`.
    ['CommonJS, conditions of its own', { format: 'cjs', conditions: ['production'] }, 'tf-require.mjs'],
  ];

  it.each(cases)(
    'as %s: its #tf side, one TF.js with the user’s, the penalty works',
    async (_name, options, side) => {
      const dir = mkdtempSync(join(tmpdir(), 'penx-bundle-'));
      try {
        const out = join(dir, options.format === 'cjs' ? 'out.cjs' : 'out.mjs');
        const result = await build({
          stdin: { contents: user, resolveDir: repo, sourcefile: 'user.mjs' },
          // The package by its name, as a user's project has it: not the sources this repository's tsconfig maps it to.
          tsconfigRaw: {},
          bundle: true,
          platform: 'node',
          outfile: out,
          metafile: true,
          logLevel: 'silent',
          ...options,
        });
        const sides = Object.keys(result.metafile?.inputs ?? {}).filter((f) => /penalty-explorer\/dist\/tf-|src\/dist\/tf-/.test(f));
        expect(sides.map((f) => f.replace(/^.*\//, ''))).toEqual([side]);
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [out], { cwd: dir, maxBuffer: 32 << 20 });
        expect(stderr).not.toMatch(/already registered/);
        expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({ value: 1.5, oneTf: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

describe('TF.js in the tests, from the sources', () => {
  it('is src/tf-require.ts’s: require’s module, the one a test’s own import of TF.js gets, one engine', () => {
    expect(tf).toBe(createRequire(import.meta.url)('@tensorflow/tfjs'));
    expect((ns as unknown as { default: unknown }).default).toBe(tf);
    expect(ns.engine()).toBe(tf.engine());
    expect(ns.getBackend()).toBe('cpu');
  });
});
