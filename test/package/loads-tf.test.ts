/**
 * tfLoader (test/loads-tf.ts) tells the test files whose imports can load TF.js, which vitest.config.ts gives
 * test/setup.ts (TF.js on `cpu`); the others run without it. A file that can load TF.js must never be missed.
 * importsReach, which it is made of, tells vitest.config.ts the shared files that set the wasm backend's paths.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importsReach, tfLoader } from '../loads-tf.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-loads-tf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A repository of `files` (path → text) under a folder of its own, and its tfLoader, or `walker` (package `lib` → src/index.ts). */
function repo(
  name: string,
  files: Record<string, string>,
  walker: (dir: string, bare: (spec: string) => string | undefined) => (file: string) => boolean = tfLoader,
): (file: string) => boolean {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const reaches = walker(dir, (spec) => (spec === 'lib' ? join(dir, 'src/index.ts') : undefined));
  return (file) => reaches(join(dir, file));
}

describe('tfLoader', () => {
  it('follows static imports, re-exports, literal import() and package names to src/tf.ts or a @tensorflow/ package', () => {
    const loads = repo('follows', {
      'src/tf.ts': "export * from './tf-require.ts';\n",
      'src/tf-require.ts': 'export {};\n',
      'src/index.ts': "export { a } from './a.ts';\n",
      'src/a.ts': "import { tf } from './tf.ts';\nexport const a = tf;\n",
      'src/plain.ts': "import { readFileSync } from 'node:fs';\nexport const plain = readFileSync;\n",
      'src/core.ts': "import * as tf from '@tensorflow/tfjs-core';\nexport default tf;\n",
      'test/static.test.ts': "import {\n  a,\n} from '../src/a.ts';\n",
      'test/reexport.test.ts': "export * from '../src/index.ts';\n",
      'test/dynamic.test.ts': "it('x', async () => (await import('../src/a.ts')).a);\n",
      'test/package.test.ts': "import { a } from 'lib';\n",
      'test/core.test.ts': "import '../src/core.ts';\n",
      'test/plain.test.ts': "import { plain } from '../src/plain.ts';\nimport { expect } from 'vitest';\n",
    });
    expect(['static', 'reexport', 'dynamic', 'package', 'core'].filter((f) => !loads(`test/${f}.test.ts`))).toEqual([]);
    expect(loads('test/plain.test.ts')).toBe(false);
  });

  it('not through `import type`; a computed import() counts as loading; an import cycle ends', () => {
    const loads = repo('edges', {
      'src/tf.ts': 'export {};\n',
      'src/types.ts': "import type { Tensor } from './tf.ts';\nexport type { Tensor } from './tf.ts';\nexport type T = Tensor;\n",
      'src/computed.ts': 'export const load = (name: string) => import(name);\n',
      'src/x.ts': "import { y } from './y.ts';\nexport const x = y;\n",
      'src/y.ts': "import { x } from './x.ts';\nexport const y = () => x;\n",
      'src/y-tf.ts': "import { x } from './x.ts';\nimport './tf.ts';\n",
      'test/types.test.ts': "import type { T } from '../src/types.ts';\nimport '../src/types.ts';\n",
      'test/computed.test.ts': "import { load } from '../src/computed.ts';\n",
      'test/cycle.test.ts': "import { x } from '../src/x.ts';\n",
      'test/cycle-tf.test.ts': "import '../src/x.ts';\nimport '../src/y-tf.ts';\n",
    });
    expect(loads('test/types.test.ts')).toBe(false);
    expect(loads('test/computed.test.ts')).toBe(true);
    expect(loads('test/cycle.test.ts')).toBe(false);
    expect(loads('test/cycle-tf.test.ts')).toBe(true);
  });

  it('on this repository: a file that only runs `penx` loads none; one reading records through the library does', () => {
    const here = resolve('.');
    const loads = tfLoader(here, (spec) => (spec === 'penalty-explorer' ? resolve('src/index.ts') : undefined));
    expect(loads(resolve('test/cli/penx.test.ts'))).toBe(false);
    expect(loads(resolve('test/cli/train.test.ts'))).toBe(true);
    expect(loads(resolve('test/setup.ts'))).toBe(true);
  });
});

describe('importsReach', () => {
  it('a file whose imports reach one its sign picks (a page setting the wasm paths), not through `import type`', () => {
    const setsPaths = repo(
      'reach',
      {
        'src/index.ts': "import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';\nsetWasmPaths('/');\n",
        'test/page.ts': "import '../src/index.ts';\nexport const SIZES = [4];\nexport type Answer = number;\n",
        'test/constants.ts': 'export const SIZES = [4];\n',
        'test/page.test.ts': "import { SIZES } from './page.ts';\n",
        'test/package.test.ts': "import 'lib';\n",
        'test/constants.test.ts': "import type { Answer } from './page.ts';\nimport { SIZES } from './constants.ts';\n",
      },
      (_dir, bare) => importsReach(bare, (_file, text) => text.includes('setWasmPaths(')),
    );
    expect(setsPaths('test/page.test.ts')).toBe(true);
    expect(setsPaths('test/package.test.ts')).toBe(true);
    expect(setsPaths('test/constants.test.ts')).toBe(false);
  });
});
