/** The refusal a folder check throws, for tests of what it says. */
import { expect } from 'vitest';
import { FolderRefusedError } from '../../src/errors.ts';

/** The FolderRefusedError `take` throws; the test fails when it throws another or none. */
export function refusalOf(take: () => unknown): FolderRefusedError {
  try {
    take();
  } catch (err) {
    expect(err).toBeInstanceOf(FolderRefusedError);
    return err as FolderRefusedError;
  }
  throw new Error('not refused');
}
