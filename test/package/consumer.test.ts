/**
 * The package as a user gets it: `npm pack`, the tarball installed next to @tensorflow/tfjs in a
 * fresh project, then each way in — an ES module import, a CommonJS require, a strict `tsc`
 * (NodeNext) type check, a browser bundle of the root and `./viz` entries, and the `penx`
 * command with a user's TypeScript penalty in a CommonJS project (`npm init -y`) and an ESM one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'penx-consumer-'));
const project = join(root, 'project');
afterAll(() => rmSync(root, { recursive: true, force: true }), 120_000);

function run(cmd: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 32 << 20 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const tfVersion = (require('@tensorflow/tfjs/package.json') as { version: string }).version;
const nodeTypes = (require('@types/node/package.json') as { version: string }).version;

const PENALTY_MODULE = `import { abs, definePenalty, tf } from 'penalty-explorer';
export default definePenalty({
  name: 'halfabs',
  formula: 'Σ |w|/2',
  params: { k: { default: 2, above: 0, doc: 'divisor' } },
  fn: (w, { k }) => tf.div(abs(w), k),
});
`;

beforeAll(() => {
  // dist/ is fresh (the tests' global setup builds it); pack it without building again.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', root], { cwd: repo, stdio: 'ignore' });
  const tarball = join(root, readdirSync(root).find((f) => f.endsWith('.tgz'))!);
  write(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  write(join(project, '.npmrc'), 'onnxruntime-node-install=skip\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `@tensorflow/tfjs@${tfVersion}`, `@types/node@${nodeTypes}`], { cwd: project, stdio: 'ignore' });
}, 300_000);

describe('the installed package', () => {
  it('ships dist/, README and LICENSE only', () => {
    const files = readdirSync(join(project, 'node_modules', 'penalty-explorer'));
    expect(files.sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it('imports as an ES module (root, ./viz, ./node), and its penalty works in the user’s own TF.js layers', () => {
    write(
      join(project, 'esm', 'check.mjs'),
      `import * as tf from '@tensorflow/tfjs';
import { penalty, constraint, fit } from 'penalty-explorer';
import { histogramGridSpec } from 'penalty-explorer/viz';
import { selectBackend, saveModel } from 'penalty-explorer/node';
const reg = penalty('l1:0.5');
const layer = tf.layers.dense({ units: 1, inputShape: [2], kernelRegularizer: reg, kernelConstraint: constraint('maxnorm:m=2') });
const model = tf.sequential({ layers: [layer] });
const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
console.log(JSON.stringify({ value: reg.apply(tf.tensor([1, -2])).dataSync()[0], fit: typeof fit, viz: typeof histogramGridSpec, node: typeof selectBackend + typeof saveModel, restored: restored.layers[0].kernelRegularizer.spec }));
`,
    );
    const r = run(process.execPath, ['esm/check.mjs'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ value: 1.5, fit: 'function', viz: 'function', node: 'functionfunction', restored: 'l1:0.5' });
    expect(r.stderr).not.toMatch(/Improper config format|already registered/);
  });

  it('requires as CommonJS', () => {
    write(
      join(project, 'cjs', 'check.cjs'),
      `const { penalty, tf } = require('penalty-explorer');
const viz = require('penalty-explorer/viz');
const node = require('penalty-explorer/node');
viz.toVega({ mark: 'point', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x', type: 'quantitative' } } }).then((vega) =>
  node.renderSvg({ mark: 'point', data: { values: [{ x: 1 }] } }).then((svg) =>
    console.log(JSON.stringify({ value: penalty('l2:2').apply(tf.tensor([3])).dataSync()[0], viz: Array.isArray(vega.marks), node: typeof node.fitToFolder, svg: svg.startsWith('<svg') })),
  ),
);
`,
    );
    const r = run(process.execPath, ['cjs/check.cjs'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ value: 18, viz: true, node: 'function', svg: true });
  });

  /**
   * Type-checks with `skipLibCheck` as `tsc --init` sets it, and again checking every declaration
   * file: then no error may come from this package's declarations (TF.js's own declarations have
   * errors under strict checking, e.g. tfjs-core's missing `Long`, which are not ours to fix).
   */
  function typecheck(dir: string, extra: Record<string, unknown>): void {
    const tsc = require.resolve('typescript/bin/tsc');
    for (const skipLibCheck of [true, false]) {
      write(join(project, dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck, ...extra }, files: ['index.ts'] }));
      const r = run(process.execPath, [tsc, '-p', dir], project);
      const ours = r.stdout.split('\n').filter((l) => /error TS/.test(l) && !/node_modules\/@tensorflow\//.test(l));
      expect(ours, `${dir}, skipLibCheck ${skipLibCheck}:\n${r.stdout}`).toEqual([]);
      if (skipLibCheck) expect(r.code, r.stdout).toBe(0);
    }
  }

  it('type-checks in a strict NodeNext TypeScript project; root and ./viz need no Node types', () => {
    const code = `import { penalty, fit, definePenalty, type RunRecord, type FitOptions } from 'penalty-explorer';
import { histogramGridSpec, reportHtml } from 'penalty-explorer/viz';
export const reg = penalty({ name: 'deadzone', strength: 1e-4, params: { a: 0.3 } });
export const options: FitOptions = { epochs: 2, optimizer: 'adamw:lr=1e-3,wd=1e-4', loss: 'sparseCategoricalCrossentropy' };
export const spec = (r: RunRecord) => histogramGridSpec(r);
export const page = (r: RunRecord) => reportHtml([r], { vegaScript: '' });
export const run = fit;
export const mine = definePenalty({ name: 'typed', params: { k: { default: 1, doc: 'k' } }, fn: (w, { k }) => w.mul(k) });
`;
    write(join(project, 'ts-web', 'index.ts'), code);
    write(join(project, 'ts-web', 'package.json'), JSON.stringify({ type: 'module' }));
    typecheck('ts-web', { lib: ['es2022', 'dom'], types: [] });
    write(join(project, 'ts-node', 'index.ts'), `${code}import { fitToFolder, loadPenalty, selectBackend } from 'penalty-explorer/node';
export const backend = selectBackend('auto', { threads: 2 });
export const loaded = loadPenalty('./p.ts:1e-4');
export const folder = fitToFolder;
`);
    write(join(project, 'ts-node', 'package.json'), JSON.stringify({ type: 'module' }));
    typecheck('ts-node', { types: ['node'] });
  }, 120_000);

  it('bundles for the browser: the root and ./viz entries (esbuild, platform browser)', () => {
    write(join(project, 'web', 'entry.mjs'), `import { penalty, fit, trainStep } from 'penalty-explorer';\nimport { histogramGridSpec, pageModel } from 'penalty-explorer/viz';\nexport { penalty, fit, trainStep, histogramGridSpec, pageModel };\n`);
    const esbuild = join(dirname(require.resolve('esbuild/package.json')), 'bin', 'esbuild');
    const r = run(esbuild, ['web/entry.mjs', '--bundle', '--platform=browser', '--format=esm', '--outfile=web/out.js', '--log-level=error'], project);
    expect(r.code, r.stderr).toBe(0);
    const out = readFileSync(join(project, 'web', 'out.js'), 'utf8');
    expect(out).not.toMatch(/from\s*["']node:|require\(["']node:/);
  }, 120_000);

  it('runs penx, and a user’s TypeScript penalty in a CommonJS (npm init -y) and an ES module project', () => {
    const penx = join(project, 'node_modules', '.bin', 'penx');
    expect(run(penx, ['--help'], project).stdout).toMatch(/^\s+train\b/m);
    for (const [dir, type] of [['user-cjs', undefined], ['user-esm', 'module']] as const) {
      const d = join(project, dir);
      mkdirSync(d, { recursive: true });
      execFileSync('npm', ['init', '-y'], { cwd: d, stdio: 'ignore' });
      if (type) {
        const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as Record<string, unknown>;
        writeFileSync(join(d, 'package.json'), JSON.stringify({ ...pkg, type }));
      }
      write(join(d, 'my-penalty.ts'), PENALTY_MODULE);
      const r = run(penx, ['penalties', './my-penalty.ts:1e-4,k=4'], d);
      expect(r.code, `${dir}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim()).toBe('halfabs:1e-4,k=4\tλ·Σ |w|/2\t(from ./my-penalty.ts)');
    }
  }, 120_000);
});
