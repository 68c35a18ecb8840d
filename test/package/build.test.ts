/**
 * The build (tsdown.config.mjs) in a copy of the repository, so this tree's dist/ is never rewritten
 * under other tests: a file an older build left in a dist/ (a chunk under another hash) is removed
 * once the build is done, so `npm pack` ships only what this build wrote; the playground's folder stays.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const copy = mkdtempSync(join(tmpdir(), 'penx-build-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('npm run build', () => {
  it('removes from src/dist and mnist-demo/dist the files an older build left, and keeps what it wrote', () => {
    const skip = new Set(['dist', 'node_modules']);
    for (const part of ['src', 'mnist-demo'])
      cpSync(join(repo, part), join(copy, part), { recursive: true, filter: (from) => !skip.has(from.split('/').at(-1) as string) });
    for (const file of ['tsdown.config.mjs', 'side-effect-free.mjs', 'tsconfig.json', 'package.json', 'README.md', 'LICENSE'])
      cpSync(join(repo, file), join(copy, file));
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
    // What an older build left: a chunk of another hash in each dist/, and the playground's folder.
    const stale = [join(copy, 'src', 'dist', 'training-OLDHASH1.mjs'), join(copy, 'mnist-demo', 'dist', 'sweep-OLDHASH2.mjs')];
    mkdirSync(join(copy, 'src', 'dist'), { recursive: true });
    mkdirSync(join(copy, 'mnist-demo', 'dist', 'playground'), { recursive: true });
    writeFileSync(join(copy, 'mnist-demo', 'dist', 'playground', 'page.js'), '');
    for (const file of stale) writeFileSync(file, 'export {};\n');

    const tsdown = join(dirname(createRequire(import.meta.url).resolve('tsdown/package.json')), 'dist', 'run.mjs');
    execFileSync(process.execPath, [tsdown, '--config-loader', 'native', '--no-clean', '--logLevel', 'error'], {
      cwd: copy,
      stdio: ['ignore', 'ignore', 'inherit'],
    });

    for (const file of stale) expect(existsSync(file), file).toBe(false);
    expect(existsSync(join(copy, 'mnist-demo', 'dist', 'playground', 'page.js'))).toBe(true);
    const lib = readdirSync(join(copy, 'src', 'dist'));
    for (const entry of ['index', 'viz', 'node', 'errors', 'spec'])
      for (const ext of ['.mjs', '.cjs', '.d.mts', '.d.cts']) expect(lib, `${entry}${ext}`).toContain(`${entry}${ext}`);
    expect(lib).toEqual(expect.arrayContaining(['worker.mjs', 'fused-worker.mjs']));
    expect(readdirSync(join(copy, 'mnist-demo', 'dist'))).toEqual(expect.arrayContaining(['cli.mjs', 'bench-cpu-worker.mjs']));
    // What the build wrote works: the library's every entry, as ES module and CommonJS.
    const check = `for (const e of ['', '/viz', '/node', '/errors', '/spec']) { await import('${join(copy, 'src', 'dist')}' + (e || '/index') + '.mjs'); require('${join(copy, 'src', 'dist')}' + (e || '/index') + '.cjs'); } console.log('ok');`;
    writeFileSync(join(copy, 'check.mjs'), `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n${check}\n`);
    expect(
      execFileSync(process.execPath, [join(copy, 'check.mjs')], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1),
    ).toBe('ok');
  }, 240_000);
});
