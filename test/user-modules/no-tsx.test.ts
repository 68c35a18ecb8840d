/**
 * A TypeScript module where the optional package tsx is not installed: importUserModule refuses it
 * with a UsageError saying what to do (install tsx, or give the module compiled to JavaScript),
 * before importing anything. tsx is mocked away (this file runs in a process of its own).
 */
import { expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { importUserModule } from '../../src/user-modules/import.ts';

vi.mock('tsx/esm/api', () => {
  throw new Error("Cannot find package 'tsx'");
});

it('refuses a TypeScript module without tsx with a UsageError naming the remedy', async () => {
  const url = new URL('../fixtures/never-imported.ts', import.meta.url).href;
  await expect(importUserModule(url)).rejects.toThrow(UsageError);
  await expect(importUserModule(url)).rejects.toThrow(/needs the package tsx to load \(npm install tsx\)/);
});
