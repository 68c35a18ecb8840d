import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { insideRoot } from '../../src/serve/paths.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-paths-'));
mkdirSync(join(root, 'runs', 'a'), { recursive: true });
writeFileSync(join(root, 'runs', 'a', 'run.json'), '{}');
symlinkSync('/etc', join(root, 'runs', 'etc'));
symlinkSync(join(root, 'runs', 'a'), join(root, 'inner'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('files under the served folder only', () => {
  it('keeps paths inside', () => {
    expect(insideRoot(root, 'runs/a/run.json')).toBe('runs/a/run.json');
    expect(insideRoot(root, 'runs//a/./run.json')).toBe('runs/a/run.json');
    expect(insideRoot(root, 'runs/a/missing.png')).toBe('runs/a/missing.png');
    expect(insideRoot(root, 'inner/run.json')).toBe('inner/run.json'); // a link to a folder inside
  });

  it('refuses .. segments, encoded ones, backslashes, NUL and links that leave the folder', () => {
    for (const bad of [
      '../etc/passwd',
      'runs/../../etc/passwd',
      '%2e%2e/etc/passwd',
      'runs%2f..%2f..%2fetc',
      '..%5cetc',
      'a%00b',
      'runs/etc/passwd',
      '%E0%A4%A',
    ]) {
      expect(insideRoot(root, bad), bad).toBeUndefined();
    }
  });
});
