/**
 * The `@example`s of the library's doc comments call only what exists: every function an example
 * calls by name is exported by an entry (`penalty-explorer`, `/node`, `/viz`), declared in the
 * example's own file, or declared in the example itself. (An example once called an `adam()` that
 * no entry has.) Text only: the examples are not run here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

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
