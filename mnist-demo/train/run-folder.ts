/** The policy for an output folder that already exists: refuse it, continue it (--resume) or replace it (--force). */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { SpecError } from '../../src/index.ts';

/** True when `dir` exists and is not empty. */
export function hasContent(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/** Make `dir` usable: nothing to do when new or resuming, emptied with `force`, refused otherwise. */
export async function claimFolder(dir: string, flags: { readonly force: boolean; readonly resume: boolean }, what: string): Promise<void> {
  if (!hasContent(dir)) return;
  if (flags.force) await rm(dir, { recursive: true, force: true });
  else if (!flags.resume) throw new SpecError(`${what} ${dir} already exists; use --resume to continue it or --force to start it over`);
}
