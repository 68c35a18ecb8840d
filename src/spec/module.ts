/**
 * Loading a user's module (TypeScript or JavaScript) named in a spec, e.g. `./my-penalty.ts:1e-4`.
 * Every failure becomes a SpecError that names the file and what was expected.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpecError } from './errors.ts';

/** The default export of the module at `path` (relative to `cwd`). */
export async function importDefaultExport(path: string, cwd: string, kind: string): Promise<unknown> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new SpecError(`${kind} module '${path}' not found (looked for ${abs})`);
  const url = pathToFileURL(abs).href;
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(url);
  } catch (err) {
    throw new SpecError(`${kind} module '${path}' failed to load: ${(err as Error).message ?? String(err)}`);
  }
  if (!('default' in mod) || mod.default === undefined) {
    throw new SpecError(`${kind} module '${path}' has no default export; export default the result of define${capital(kind)}({ name, params, fn })`);
  }
  return mod.default;
}

async function importModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    // Plain Node without a TypeScript loader: fall back to tsx's on-demand loader.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
