/**
 * Every symbol the package entries export (`penalty-explorer`, `/node`, `/viz`, `/errors`: what users
 * see in the .d.ts) has a doc comment where it is declared, and so does every export the app's
 * modules (mnist-demo/: the command, the examples users copy, the playground) declare. Read with the TypeScript compiler's
 * binder, no type check: each export is followed to its declaration (through `export … from` and
 * imports); one whose declaration is outside the library (`tf`, TensorFlow.js itself) needs a doc
 * comment on the library's own `export { … }` of it. Files outside the folder scanned are read as
 * empty modules: only its own declarations are looked at, and the scan takes seconds, not a type check's time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENTRIES = ['src/index.ts', 'src/node.ts', 'src/viz/index.ts', 'src/errors.ts'].map((f) => resolve(f));
const SRC = `${resolve('src')}/`;
const APP = `${resolve('mnist-demo')}/`;

/** The TypeScript modules under `dir` (not a build, not declarations). */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'dist' || e.name === 'node_modules') return [];
    if (e.isDirectory()) return modules(join(dir, e.name));
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [];
  });
}

/** A program of `roots` and the files below `dir` they reach, with tsconfig.json's options (its `paths` too); other files empty. */
function program(roots: readonly string[] = ENTRIES, dir = SRC): ts.Program {
  const file = ts.readConfigFile('tsconfig.json', ts.sys.readFile);
  const options = { ...ts.parseJsonConfigFileContent(file.config, ts.sys, resolve('.')).options, noLib: true, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name.startsWith(dir) ? read(name, language, ...rest) : ts.createSourceFile(name, 'export {};', language));
  return ts.createProgram({ rootNames: roots, options, host });
}

/** True when `node` (or, for a variable, its statement) has a `/** … *\/` comment of its own. */
function hasDoc(node: ts.Node): boolean {
  const own = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  return ts.getJSDocCommentsAndTags(own).length > 0;
}

/** Whether the export `symbol` is documented where it is declared (see the file's comment). */
function documented(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declarations = target.declarations ?? [];
  if (declarations.some((d) => d.getSourceFile().fileName.startsWith(SRC))) return declarations.some(hasDoc);
  // Declared elsewhere: the library's own `export { x };` (no `from`) of it carries the doc.
  for (let s: ts.Symbol | undefined = symbol; s && s.flags & ts.SymbolFlags.Alias; s = checker.getImmediateAliasedSymbol(s)) {
    for (const d of s.declarations ?? []) {
      const statement = ts.isExportSpecifier(d) ? d.parent.parent : undefined;
      if (statement && !statement.moduleSpecifier && statement.getSourceFile().fileName.startsWith(SRC) && hasDoc(statement)) return true;
    }
  }
  return false;
}

describe('doc comments', () => {
  it('are on every symbol the package entries export', () => {
    const scan = program();
    const checker = scan.getTypeChecker();
    const missing = new Set<string>();
    const seen = new Set<ts.Symbol>();
    for (const entry of ENTRIES) {
      const file = scan.getSourceFile(entry);
      const module = file && checker.getSymbolAtLocation(file);
      expect(module, entry).toBeDefined();
      for (const symbol of checker.getExportsOfModule(module!)) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (seen.has(target)) continue;
        seen.add(target);
        if (!documented(checker, symbol)) {
          const at = target.declarations?.[0];
          missing.add(`${symbol.name} (${at ? at.getSourceFile().fileName.slice(SRC.length) : 'no declaration'})`);
        }
      }
    }
    // The entries export hundreds of symbols: the scan found them.
    expect(seen.size).toBeGreaterThan(500);
    expect([...missing]).toEqual([]);
  });

  it('are on every export the app’s modules declare (mnist-demo/)', () => {
    const roots = modules(APP);
    const scan = program(roots, APP);
    const checker = scan.getTypeChecker();
    const missing: string[] = [];
    let declared = 0;
    for (const name of roots) {
      const file = scan.getSourceFile(name);
      const module = file && checker.getSymbolAtLocation(file);
      for (const symbol of module ? checker.getExportsOfModule(module) : []) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        const own = (target.declarations ?? []).filter((d) => d.getSourceFile().fileName === name);
        if (!own.length) continue;
        declared++;
        if (!own.some(hasDoc)) missing.push(`${symbol.name} (${name.slice(APP.length)})`);
      }
    }
    // The app's modules declare hundreds of exports: the scan found them.
    expect(declared).toBeGreaterThan(200);
    expect(missing).toEqual([]);
  });
});

/** Each error class and the class it extends, as declared in `files` (`export class X extends Y`). */
function declaredParents(files: readonly string[]): Map<string, string> {
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  return new Map([...text.matchAll(/^export class (\w+Error) extends (\w+)/gm)].map((m) => [m[1]!, m[2]!]));
}

/** Each class the tree in `errors.ts`'s opening comment names, and its parent there (`Error` at the left edge). */
function diagramParents(): Map<string, string> {
  const opening = readFileSync('src/errors.ts', 'utf8').split('*/')[0]!;
  const parents = new Map<string, string>();
  const open: { depth: number; name: string }[] = [];
  for (const m of opening.matchAll(/^ \* {3}([│├└─ ]*?)(\w+Error)\b/gm)) {
    const depth = m[1]!.length;
    while (open.length && open.at(-1)!.depth >= depth) open.pop();
    parents.set(m[2]!, open.at(-1)?.name ?? 'Error');
    open.push({ depth, name: m[2]! });
  }
  return parents;
}

describe('the error classes’ tree in errors.ts', () => {
  it('names every error class under the class it extends', () => {
    const declared = declaredParents(['src/errors.ts', 'src/training/diverged.ts', 'src/parallel/pool.ts']);
    // errors.ts declares a score of classes: the scan found them.
    expect(declared.size).toBeGreaterThan(15);
    expect(Object.fromEntries(diagramParents())).toEqual(Object.fromEntries(declared));
  });
});

describe('the library speaks no command line', () => {
  it("names no command-line flag in its code, doc comments or messages (an app's flags are the app's to name)", () => {
    // Not flags: CSS custom properties (`--ink: #222`, `var(--ink)`); Chromium's own flag, which the
    // library's notes on WebGPU name. page-scripts.ts is bundled by the build from src/viz/pages/, scanned here.
    const notFlags = new Set(['--enable-unsafe-webgpu']);
    const named = modules(SRC)
      .filter((f) => !f.endsWith('page-scripts.ts'))
      .flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/(?<![\w(-])--[a-z][a-z-]*(?![\w-]*\s*:)/g)]
          .filter((m) => !notFlags.has(m[0]))
          .map((m) => `${f.slice(SRC.length)}: ${m[0]}`),
      );
    expect(named).toEqual([]);
  });
});
