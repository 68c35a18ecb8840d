import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('shows the example penalty exactly as the file in the repo has it', () => {
    const file = readFileSync('mnist-demo/examples/logsum-penalty.ts', 'utf8');
    const section = readme.slice(readme.indexOf('## Adding a penalty'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toBeDefined();
    expect(file).toContain(snippet!.trim());
  });

  it('quick start is the two commands CI and users run', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });
});

describe('README library example', () => {
  it('runs as written, against the built package (fit on a model of its own)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const section = readme.slice(readme.indexOf('### Train any model and see its weights'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toBeDefined();
    // Inside the repository, so `penalty-explorer` resolves to this package (dist/) by its own name.
    mkdirSync('tmp', { recursive: true });
    writeFileSync('tmp/readme-fit.mts', snippet!);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'tmp/readme-fit.mts'], { encoding: 'utf8' });
    expect(out).toMatch(/^accuracy (0\.\d+|1), \|w\| < 1e-3: \d+\.\d %$/m);
    expect(out).toMatch(/hidden: kernel 256, bias 32/);
  }, 60_000);
});
