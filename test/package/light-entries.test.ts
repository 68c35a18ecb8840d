/**
 * `penalty-explorer/errors` is the light entry: the errors and the text every message passes
 * through (`redactCredentials`, `visibleControls`), loading no other package — and the only part of
 * the library `penx` loads before a command runs, so `penx --help` starts without TF.js, Vega or the
 * figures (the viz entry made every command ~90 ms slower to start). Read from the build (dist/),
 * following each file's static imports.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

/** The packages (bare specifiers) `entry` and the files it imports up front reach, following their relative static imports. */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  for (const queue = [entry]; queue.length > 0; ) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export) (?:[^'"]* from )?"([^"]+)";$/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) queue.push(join(dirname(file), spec));
      else packages.add(spec);
    }
  }
  return packages;
}

describe('the light entry, penalty-explorer/errors', () => {
  it('exports visibleControls, as ES module and CommonJS, the same as the viz entry’s', async () => {
    const esm = await import(join(repo, 'src/dist/errors.mjs'));
    const cjs = createRequire(import.meta.url)(join(repo, 'src/dist/errors.cjs'));
    const viz = await import(join(repo, 'src/dist/viz.mjs'));
    for (const f of [esm.visibleControls, cjs.visibleControls, viz.visibleControls]) {
      expect(f('l1\u202egnp.exe\u0007\n')).toBe('l1\\u202egnp.exe\\u0007\n');
      expect(f('λ·Σ|w|')).toBe('λ·Σ|w|');
    }
  });

  it('loads no other package', () => {
    expect([...staticPackages(join(repo, 'src/dist/errors.mjs'))]).toEqual([]);
  });

  it('is, with the grammar of penalty-explorer/spec, all of the library penx loads up front: no TF.js, no Vega, no figures before a command runs', () => {
    const packages = [...staticPackages(join(repo, 'mnist-demo/dist/cli.mjs'))];
    expect(packages.filter((p) => p.startsWith('penalty-explorer')).sort()).toEqual(['penalty-explorer/errors', 'penalty-explorer/spec']);
    expect(packages.filter((p) => /^(@tensorflow\/|vega|zod)/.test(p))).toEqual([]);
  });

  it('keeps each error class’s name under a minifying bundler (a page’s esbuild --minify renamed UsageError to "Xe" in its messages)', async () => {
    // A user's browser bundle, minified: class names are mangled, so a name taken from the class (new.target.name) is lost.
    const bundle = await build({
      stdin: { contents: `export * from ${JSON.stringify(join(repo, 'src/dist/errors.mjs'))};`, resolveDir: repo, loader: 'js' },
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'error',
    });
    const minified = (await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0]!.text).toString('base64')}`)) as Record<string, unknown>;
    const classes = Object.entries(minified).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error);
    expect(classes.length).toBeGreaterThanOrEqual(18);
    // What each is constructed with does not matter to its name (each builds its message from strings, but
    // ResumeModelError from its list of differences).
    const argsOf = (exported: string): unknown[] => (exported === 'ResumeModelError' ? ['a', ['b'], false] : ['a', 'b', 'c', 'd']);
    const names = classes.map(([exported, C]) => [exported, new (C as new (...a: unknown[]) => Error)(...argsOf(exported)).name]);
    expect(names.filter(([exported, name]) => exported !== name)).toEqual([]);
    expect(String(new (minified['UsageError'] as new (m: string) => Error)('batch too large'))).toBe('UsageError: batch too large');
  });
});

describe('penalty-explorer/node, which every penx command that runs loads', () => {
  it('requires send (the static file server, ~40 ms of CPU with what it requires) when a file is first served, not up front', () => {
    const packages = staticPackages(join(repo, 'src/dist/node.mjs'));
    expect(packages).toContain('zod');
    expect(packages).not.toContain('send');
    expect(readFileSync(join(repo, 'src/dist/node.mjs'), 'utf8')).toMatch(/createRequire\(import\.meta\.url\)\("send"\)/);
  });
});

describe('penalty-explorer/spec and /errors, also in the core (as the README and their doc comments say)', () => {
  it('the core exports every export of both, but the run-folder name rule (in /node); /node exports every one', async () => {
    const [core, node, spec, errors] = await Promise.all(['index', 'node', 'spec', 'errors'].map((e) => import(join(repo, `src/dist/${e}.mjs`))));
    const lightNames = [...Object.keys(spec), ...Object.keys(errors)];
    expect(lightNames).toContain('OPTIMIZER_SIGNATURES');
    expect(lightNames.filter((n) => !(n in core))).toEqual(['checkRunName', 'runNameProblem']);
    expect(lightNames.filter((n) => !(n in node))).toEqual([]);
  });

  it('/spec, like /errors, loads no other package (no TF.js: text is checked before TF.js loads)', () => {
    expect([...staticPackages(join(repo, 'src/dist/spec.mjs'))]).toEqual([]);
  });
});
