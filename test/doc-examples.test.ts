/**
 * The `@example`s of the library's doc comments call only what exists: every function an example
 * calls by name is exported by an entry (`penalty-explorer`, `/node`, `/viz`), declared in the
 * example's own file, or declared in the example itself. (An example once called an `adam()` that
 * no entry has.) And they type-check as written against the library's types. A line that states
 * its value as a literal (`parseNumber('2.5e-3', '--lr')   // 0.0025`) is run when it calls only
 * the browser-safe entries (`penalty-explorer`, `/viz`: no files, no processes) and gives that
 * value; the rest (files, backends, names the example leaves to the reader) are not run here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.ts';

/** What an example may call besides the library: JavaScript's and Node's own. */
const GLOBALS = new Set([
  'Array',
  'Error',
  'Float32Array',
  'JSON',
  'Math',
  'Number',
  'Object',
  'Promise',
  'String',
  'URL',
  'URLSearchParams',
  'console',
  'readFileSync',
  'writeFileSync',
]);
/** Words followed by `(` that are not calls. */
const KEYWORDS = new Set(['if', 'for', 'while', 'return', 'await', 'async', 'typeof', 'import', 'function']);

/** The library's source files (not its build, not generated files). */
function sources(): string[] {
  return readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.startsWith('dist') && !f.endsWith('page-scripts.ts'))
    .map((f) => `src/${f}`);
}

/** Each `@example` of `text` without its comment stars, line comments and string contents. */
function examples(text: string): string[] {
  return [...text.matchAll(/@example\n((?:\s*\*(?! @)(?!\/).*\n)*)/g)].map((m) =>
    m[1]!
      .replace(/^\s*\* ?/gm, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, "''"),
  );
}

/** Names an example declares: constants and variables (destructured too) and arrow functions' parameters. */
function declared(example: string): Set<string> {
  const bound = [...example.matchAll(/(?:const|let)\s+(?:\{([^}]*)\}|\[([^\]]*)\]|([A-Za-z_$][\w$]*))/g)].flatMap((d) =>
    (d[1] ?? d[2] ?? d[3] ?? '').split(',').map((x) => x.split(':').at(-1)!.trim()),
  );
  const params = [...example.matchAll(/\(([^()]*)\)\s*=>/g)].flatMap((d) => d[1]!.split(',').map((x) => x.replace(/[{}\s]/g, '')));
  return new Set([...bound, ...params]);
}

describe('doc comment examples', () => {
  it('call only functions an entry exports, their file declares, or they declare themselves', async () => {
    const exported = new Set([...Object.keys(await import('../src/node.ts')), ...Object.keys(await import('../src/viz/index.ts'))]);
    const unknown: string[] = [];
    let count = 0;
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      const own = new Set([...text.matchAll(/(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
      for (const example of examples(text)) {
        count++;
        const local = declared(example);
        for (const call of example.matchAll(/(?<![\w.$])([A-Za-z_$][\w$]*)\s*\(/g)) {
          const name = call[1]!;
          if (!(exported.has(name) || own.has(name) || local.has(name) || GLOBALS.has(name) || KEYWORDS.has(name))) unknown.push(`${file}: ${name}(`);
        }
      }
    }
    // The library documents dozens of its functions with an example: the scan found them.
    expect(count).toBeGreaterThan(60);
    expect(unknown).toEqual([]);
  });
});

/**
 * Each example of `file` as a module beside it: the names it uses imported from its own file's exports,
 * else from `penalty-explorer/node`, else `/viz` (a name its file declares without exporting is left
 * free), its body in an async function (`await` at its top level, `this` of a layer's constructor).
 * An example that is a JSON document (a record's format) is not code and is left out.
 */
function exampleModules(file: string, exportsOf: (file: string) => Set<string>): Array<{ name: string; text: string; at: string }> {
  const text = readFileSync(file, 'utf8');
  const own = exportsOf(file);
  const [entry, viz] = [exportsOf(resolve('src/node.ts')), exportsOf(resolve('src/viz/index.ts'))];
  const unexported = [...text.matchAll(/(?:function\*?|const|let|class|interface|type)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!).filter((x) => !own.has(x));
  return [...text.matchAll(/@example\n((?:\s*\*(?! @)(?!\/).*\n)*)/g)].flatMap((m, i) => {
    const lines = m[1]!.replace(/^\s*\* ?/gm, '').split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const body = lines
      .filter((l) => !l.startsWith('import '))
      .join('\n')
      .replace(/^export default /m, '');
    if (/^\s*\{\s*"/.test(body)) return [];
    const taken = new Set([...unexported, 'tf', ...imports.flatMap((l) => l.match(/[\w$]+/g) ?? [])]);
    const used = new Set(body.replace(/\/\/.*$/gm, '').match(/(?<![\w$.'"])[A-Za-z_$][\w$]*/g));
    const from = (names: Set<string>, path: string) => {
      const picked = [...used].filter((u) => names.has(u) && !taken.has(u));
      for (const u of picked) taken.add(u);
      return picked.length ? `import { ${picked.join(', ')} } from '${path}';\n` : '';
    };
    const head = `import * as tf from '@tensorflow/tfjs';\n${from(own, `./${basename(file)}`)}${from(entry, 'penalty-explorer/node')}${from(viz, 'penalty-explorer/viz')}`;
    const at = `${file.slice(resolve('.').length + 1)}:${text.slice(0, m.index).split('\n').length}`;
    return [
      {
        name: resolve(dirname(file), `${basename(file, '.ts')}.example-${i}.ts`),
        text: `${head}${imports.join('\n')}\nexport {};\nasync function example(this: any) {\n${body}\n}\n`,
        at,
      },
    ];
  });
}

describe('doc comment examples type-check', () => {
  it('as written, against the library’s types: only names the example leaves to the reader (model, records, …) are unknown', () => {
    const options = {
      ...ts.parseJsonConfigFileContent(ts.readConfigFile('tsconfig.json', ts.sys.readFile).config, ts.sys, resolve('.')).options,
      noEmit: true,
    };
    const host = ts.createCompilerHost(options);
    // Each file parsed once, for both programs: the first finds what the files export, the second checks the examples.
    const parsed = new Map<string, ts.SourceFile | undefined>();
    const virtual = new Map<string, { text: string; at: string }>();
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (f, language, ...rest) => {
      if (virtual.has(f)) return ts.createSourceFile(f, virtual.get(f)!.text, language);
      if (!parsed.has(f)) parsed.set(f, parse(f, language, ...rest));
      return parsed.get(f);
    };
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => virtual.has(f) || exists(f);
    const files = sources().map((f) => resolve(f));
    const first = ts.createProgram({ rootNames: [resolve('src/node.ts'), resolve('src/viz/index.ts'), ...files], options, host });
    const checker = first.getTypeChecker();
    const exportsOf = (f: string) => {
      const module = checker.getSymbolAtLocation(first.getSourceFile(f)!);
      return new Set(module ? checker.getExportsOfModule(module).map((e) => e.name) : []);
    };
    for (const file of files) for (const { name, ...example } of exampleModules(file, exportsOf)) virtual.set(name, example);
    const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
    const errors: string[] = [];
    for (const [name, { at }] of virtual) {
      const file = program.getSourceFile(name)!;
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        // A name the example leaves to the reader (`model`, `records`): unknown, and no export of the library.
        if (d.code === 2304 || d.code === 18004) continue;
        const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line - file.text.slice(0, file.text.indexOf('async function example')).split('\n').length;
        errors.push(`${at} (its line ${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      }
    }
    // The library documents hundreds of its functions with an example: they were found.
    expect(virtual.size).toBeGreaterThan(200);
    expect(errors).toEqual([]);
  }, 120_000);
});

/** Words a literal may hold besides object keys. */
const LITERAL_WORDS = new Set(['true', 'false', 'null', 'undefined', 'NaN', 'Infinity']);

/**
 * The value a line's comment states, when it opens with a literal (`[[5, 1]]`, `{ lo: -1, … }`,
 * `'l1:1e-4,prox'`, `0.0025`), what follows it (`: each filter`, ` (a module)`) left out; else undefined.
 */
function statedValue(comment: string): { value: unknown } | undefined {
  const cuts = [comment.length, ...[...comment.matchAll(/:\s|\s\(|\s—\s|;\s|,\s(?=[a-z])/g)].map((m) => m.index)];
  for (const cut of cuts) {
    const text = comment.slice(0, cut).trim();
    const bare = text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''").replace(/\b\d[\d_.]*(?:e[-+]?\d+)?\b/gi, '0');
    const words = [...bare.matchAll(/([A-Za-z_$][\w$]*)(\s*:)?/g)].filter((w) => !w[2] && !LITERAL_WORDS.has(w[1]!));
    if (!text || words.length > 0) continue;
    try {
      return { value: new Function(`return (${text});`)() };
    } catch {
      // Not a literal: a shorter opening may be.
    }
  }
  return undefined;
}

/** A value as plain data: a tensor's or typed array's values as arrays. */
function plain(v: unknown): unknown {
  if (v instanceof tf.Tensor) return v.arraySync();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Deep equality, numbers to float32's precision (a doc writes 0.1 for float32's 0.10000000149). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    return Object.keys(x).length === Object.keys(y).length && Object.keys(y).every((k) => same(x[k], y[k]));
  }
  return a === b;
}

describe('doc comment examples give the values they state', () => {
  it('each line `call   // literal` of the browser-safe entries returns that literal', async () => {
    const names: Record<string, unknown> = { ...(await import('../src/viz/index.ts')), ...(await import('../src/index.ts')), tf };
    const wrong: string[] = [];
    let checked = 0;
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/@example\n((?:\s*\*(?! @)(?!\/).*\n)*)/g)) {
        for (const line of m[1]!.replace(/^\s*\* ?/gm, '').split('\n')) {
          // Past an awaited statement (`await tf.setBackend('webgpu')`) the lines depend on it.
          if (line.startsWith('await ')) break;
          const call = line.match(/^(?!const |let |import |export )(.*?);?\s{2,}\/\/\s*(.*)$/);
          const stated = call && statedValue(call[2]!);
          if (!stated) continue;
          let got: unknown;
          try {
            got = await new Function(...Object.keys(names), `return (${call[1]});`)(...Object.values(names));
          } catch (err) {
            // A name the example leaves to the reader, or one of the Node-only entry: not run here.
            if (err instanceof ReferenceError || err instanceof SyntaxError) continue;
            got = `throws ${(err as Error).message}`;
          }
          checked++;
          if (!same(plain(got), stated.value)) wrong.push(`${file}: ${call[1]}  // ${call[2]}, but gives ${JSON.stringify(plain(got))}`);
        }
      }
    }
    // Dozens of lines state their value: they were found.
    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});
