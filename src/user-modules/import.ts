/**
 * Loading a user's module (TypeScript or JavaScript) named in a spec, e.g. `./my-penalty.ts:1e-4`,
 * or in an option (a model module, a monitor) (Node only). Every failure names the file and what was
 * expected: a SpecError for a module named in a spec, a UsageError for one named in an option.
 *
 *   path ─► exactly that file ─► import (tsx's loader for TypeScript when Node has none)
 *        ─► default export ─► a catalogue entry of the expected kind ─► bound to the spec, probed
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorLine } from '../error-line.ts';
import { SpecError, UsageError } from '../errors.ts';
import { type Catalog, type CatalogEntry, isModuleRef, noteOrigin, type ParsedSpec, parseSpec } from '../registry/index.ts';

const DEFINE: Record<string, string> = { penalty: 'definePenalty', constraint: 'defineConstraint', 'gradient transform': 'defineGradientTransform' };
const EXPORT_HINT: Record<string, string> = {
  penalty: 'the result of definePenalty({ name, params, fn })',
  constraint: 'the result of defineConstraint({ name, params, fn })',
  'gradient transform': 'a function (grad, weight, name) => tensor, or defineGradientTransform({ name, params, fn })',
  model: 'a function (inputShape, numClasses) => tf.LayersModel',
  monitor: 'the monitor itself: { name, onEpochEnd(epoch, context), … }',
};

const isFile = (abs: string): boolean => existsSync(abs) && statSync(abs).isFile();

/**
 * The module file a name given without its extension meant (a module is imported exactly as named:
 * no extension is added): `abs` with the first of .ts, .mts, .cts, .js, .mjs, .cjs that is a file, or undefined.
 *
 * @example
 * moduleWithExtension('/home/me/my-penalty')   // '/home/me/my-penalty.ts' when that file is there
 */
export function moduleWithExtension(abs: string): string | undefined {
  return ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((ext) => `${abs}${ext}`).find(isFile);
}

/** For a module not found, the hint of `moduleWithExtension` (`; a module is named with its extension: './my-penalty.ts'`), else ''. */
function withExtension(path: string, abs: string): string {
  const found = moduleWithExtension(abs);
  return found ? `; a module is named with its extension: '${path}${found.slice(abs.length)}'` : '';
}

/** The default export of the module at `path` (relative to `cwd`); `what` names it in errors. */
export async function importDefaultExport(path: string, cwd: string, what: string): Promise<unknown> {
  // A module named in a spec (of a catalogue's kind) is a spec's; one named in an option is a usage's.
  const Fail = what in DEFINE ? SpecError : UsageError;
  const abs = existingFile(path, cwd, (looked, hint) => new Fail(`${what} module '${path}' not found (looked for ${looked})${hint}`));
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(pathToFileURL(abs).href);
  } catch (err) {
    throw new Fail(`${what} module '${path}' failed to load: ${(err as Error).message ?? String(err)}`);
  }
  // A CommonJS module (TypeScript compiled in a CommonJS project) arrives as { default: module.exports }.
  const cjs = mod.default as { __esModule?: boolean; default?: unknown } | undefined;
  const exported = cjs && typeof cjs === 'object' && cjs.__esModule ? cjs.default : mod.default;
  if (exported === undefined) {
    // What it has instead, e.g. a named export that was meant as the default.
    const named = Object.keys(mod).filter((k) => k !== 'default');
    const has = named.length ? ` (it exports ${named.join(', ')})` : '';
    throw new Fail(`${what} module '${path}' has no default export${has}; export default ${EXPORT_HINT[what] ?? 'its definition'}`);
  }
  return exported;
}

/** The absolute path of the file at `path` (relative to `cwd`); `missing(where it looked, the extension hint of withExtension)` thrown when there is no such file. */
function existingFile(path: string, cwd: string, missing: (looked: string, hint: string) => Error): string {
  const abs = resolve(cwd, path);
  if (!isFile(abs)) throw missing(abs, withExtension(path, abs));
  return abs;
}

/**
 * The file URL of each module `modules` names, a path (relative to `cwd`) or a file URL (a `URL` or
 * text starting `file:`), each once; a UsageError naming the first that is no file (`option` names
 * where they were given).
 *
 * @example
 * moduleUrls(['./my-layers.ts', new URL('file:///srv/more.js')], '/home/me', 'classModules')
 * // ['file:///home/me/my-layers.ts', 'file:///srv/more.js']
 */
function moduleUrls(modules: readonly (string | URL)[], cwd: string, option: string): string[] {
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' || m instanceof URL))
    throw new UsageError(`${option} must be a list of module paths or file URLs, got ${JSON.stringify(modules)}`);
  const urls = modules.map((m) => {
    const text = String(m);
    // A URL: a `URL`, or text with a scheme (`file:`, `https://`); a path otherwise.
    const url = m instanceof URL || /^(file:|[a-z][a-z\d+.-]+:\/\/)/i.test(text) ? new URL(text) : undefined;
    if (url && url.protocol !== 'file:') throw new UsageError(`${option}: module '${text}' is not a file path or file: URL`);
    const path = url ? fileURLToPath(url) : text;
    return pathToFileURL(existingFile(path, cwd, (looked, hint) => new UsageError(`${option}: module '${text}' not found (looked for ${looked})${hint}`))).href;
  });
  return [...new Set(urls)];
}

/** The lists `importClassModules` gave: checked and imported already. */
const importedLists = new WeakSet<readonly string[]>();

/**
 * The file URLs of `modules` (paths relative to `cwd`, or file URLs; each once), every one imported
 * here, in order, before a shard worker is given them: a UsageError (`option` naming where they were
 * given) for the first that is no file, or that fails to import — its own error, in one line (`errorLine`;
 * the whole as `cause`), not a worker's note. A list this function gave (frozen) is returned as it is,
 * so a list is checked once, where the user gave it (`selectBackend`'s answer passed on to
 * `ShardedGradients.start` is not checked again; a list of the caller's own is).
 *
 * @example
 * await importClassModules(['./my-layers.ts'], '/home/me', 'classModules')   // ['file:///home/me/my-layers.ts'], MyLayer registered here
 * await importClassModules(['./broken.ts'], '/home/me', 'classModules')
 * // UsageError: classModules: module '/home/me/broken.ts' failed to load: Transform failed with 1 error: /home/me/broken.ts:1:17: ERROR: Unexpected ";"
 */
export async function importClassModules(modules: readonly (string | URL)[], cwd: string, option: string): Promise<readonly string[]> {
  if (importedLists.has(modules as readonly string[])) return modules as readonly string[];
  const urls = moduleUrls(modules, cwd, option);
  for (const url of urls) {
    try {
      await importUserModule(url);
    } catch (err) {
      throw new UsageError(`${option}: module '${fileURLToPath(url)}' failed to load: ${errorLine(err)}`, { cause: err });
    }
  }
  const list = Object.freeze(urls);
  importedLists.add(list);
  return list;
}

let tsxRegistered = false;

/** The file URLs of the user's modules this thread imported (`importUserModule`), in order, each once. */
const imported: string[] = [];

/**
 * The file URLs of every user's module this thread imported through this library (a model, penalty,
 * constraint, gradient transform or monitor module), in order: the shard workers import them again
 * before they rebuild a model whose layer classes such a module registers (`ShardPool`).
 *
 * @example
 * await importDefaultExport('./my-model.ts', process.cwd(), 'model');
 * importedModules()   // ['file:///home/me/my-model.ts']
 */
export function importedModules(): readonly string[] {
  return [...imported];
}

/**
 * Import a user's module (its file URL); a TypeScript file through tsx's loader, registered once for
 * the thread the first time one is needed (before the import: Node caches a failed import).
 * Registered globally, not per import, so a user's module importing this package gets the same copy
 * as the caller. Remembered once imported (`importedModules`). A UsageError for a TypeScript module
 * where the optional package tsx is not installed.
 */
export async function importUserModule(url: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?ts$/.test(url) && !tsxRegistered) {
    let tsx: [typeof import('tsx/esm/api'), typeof import('tsx/cjs/api')];
    try {
      tsx = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    } catch {
      // tsx is an optional peer dependency: JavaScript modules need nothing, TypeScript ones need it.
      throw new UsageError('a TypeScript module needs the package tsx to load (npm install tsx), or give the module compiled to JavaScript');
    }
    // Both hooks: a .ts file in a CommonJS project (`npm init -y`) is loaded by Node's CommonJS loader.
    tsx[0].register();
    tsx[1].register();
    tsxRegistered = true;
  }
  const mod = (await import(url)) as Record<string, unknown>;
  if (!imported.includes(url)) imported.push(url);
  return mod;
}

/**
 * The object for a spec of `catalog`'s kind: a built-in or defined name, or a module path whose
 * default export is a definition of that kind (imported, bound to the spec's values and probed);
 * `spec` as text, or already read (`parsePenaltySpec`'s parts, its `,prox` applied by the caller).
 *
 * @example
 * const reg = await loadSpec(penaltyCatalog, './my-penalty.ts:1e-4,k=2');
 */
export async function loadSpec<E extends CatalogEntry, B>(catalog: Catalog<E, B>, spec: string | ParsedSpec, options: { cwd?: string } = {}): Promise<B> {
  const parsed = typeof spec === 'string' ? parseSpec(spec) : spec;
  if (!isModuleRef(parsed.name)) return catalog.resolveParsed(parsed);
  const exported = await importDefaultExport(parsed.name, options.cwd ?? process.cwd(), catalog.kind);
  if (!catalog.isEntry(exported)) {
    throw new SpecError(
      `${catalog.kind} module '${parsed.name}': its default export is not made by ${DEFINE[catalog.kind] ?? 'define…'}({ name, params, fn })`,
    );
  }
  noteOrigin(exported, parsed.name);
  return catalog.resolveEntry(exported, parsed);
}
