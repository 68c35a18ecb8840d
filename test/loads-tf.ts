/**
 * Whether a test file's imports can load TF.js: it, or a module it imports (statically, or by
 * `import('…')` of a literal), is `src/tf.ts` or imports a `@tensorflow/` package. Followed through
 * the repository's own modules and the package's names (`penalty-explorer/node` → src/node.ts, the
 * aliases vitest.config.ts gives); other packages are not followed. `import type` loads nothing; an
 * `import(…)` of a computed name counts as loading it (what it names is not known here).
 *
 * @example
 * const loads = tfLoader('/repo', (spec) => (spec === 'penalty-explorer' ? '/repo/src/index.ts' : undefined));
 * loads('/repo/test/cli/penx.test.ts')          // false: it spawns `penx` and reads what it wrote
 * loads('/repo/test/cli/train.test.ts')         // true: src/folders/owner.ts … src/model/generated-names.ts → src/tf.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `import … from '…'`, `export … from '…'`, `import '…'` (not `import type`/`export type`), and `import('…')`. */
const IMPORTS = /^(?:import|export)\s+(?!type\b)(?:[^;']*?\bfrom\s*)?'([^']+)'|\bimport\s*\(\s*'([^']+)'/gm;
/** An `import(` of anything but a literal. */
const COMPUTED_IMPORT = /\bimport\s*\(\s*[^'\s]/;

/** A function telling whether a file (absolute path) loads TF.js; `bare` maps a package name to a file of the repository, if it is one. */
export function tfLoader(root: string, bare: (spec: string) => string | undefined): (file: string) => boolean {
  const TF_MODULE = resolve(root, 'src/tf.ts');
  return importsReach(bare, (file, text, specs) => file === TF_MODULE || COMPUTED_IMPORT.test(text) || specs.some((spec) => spec.startsWith('@tensorflow/')));
}

/**
 * A function telling whether a file (absolute path), or a module of the repository it imports (followed as tfLoader
 * follows them: not through `import type`, nor into other packages), is one `sign` picks from its path, text and the
 * specifiers it imports.
 *
 * @example
 * const setsPaths = importsReach(() => undefined, (_file, text) => text.includes('setWasmPaths('));
 * setsPaths('/repo/test/kernels/gpu-cast.test.ts')   // false: it imports the page's constants, not the page
 */
export function importsReach(
  bare: (spec: string) => string | undefined,
  sign: (file: string, text: string, specs: string[]) => boolean,
): (file: string) => boolean {
  /** Each file read: true when `sign` picks it, else the repository's modules it imports. */
  const imports = new Map<string, true | string[]>();
  const read = (file: string): true | string[] => {
    let found = imports.get(file);
    if (found === undefined) {
      const text = readFileSync(file, 'utf8');
      const specs = [...text.matchAll(IMPORTS)].map(([, from, imported]) => (from ?? imported)!);
      found = sign(file, text, specs)
        ? true
        : specs
            .map((spec) => (spec.startsWith('.') ? resolve(dirname(file), spec) : bare(spec)))
            .filter((target): target is string => target !== undefined && /\.[cm]?[jt]s$/.test(target) && existsSync(target));
      imports.set(file, found);
    }
    return found;
  };
  return (file) => {
    const seen = new Set<string>();
    const reaches = (f: string): boolean => {
      if (seen.has(f)) return false;
      seen.add(f);
      const found = read(f);
      return found === true || found.some(reaches);
    };
    return reaches(file);
  };
}
