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
