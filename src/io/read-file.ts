/**
 * Reading a file of a folder someone handed over: only a regular file is read. A FIFO in its place
 * would block the read until something writes to it (for ever: `penx plot` hung, and a signal
 * could not stop it; the dashboard stopped answering), a device would never end (`/dev/zero`).
 * The file is opened without blocking and checked on that open descriptor, so what is read is what
 * was checked.
 *
 *   open (O_NONBLOCK: a FIFO opens at once) ─► fstat: a regular file? ─► read it ─► close
 *                                                  └─ no: NotRegularFileError naming the path
 *
 * @example
 * readRegularFile('runs/l1/run.json').toString('utf8')   // '{"format":"penalty-explorer/run@3",…'
 * readRegularFile('runs/fifo/run.json')                  // throws: runs/fifo/run.json is a FIFO, not a regular file: …
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { DataError } from '../errors.ts';

/** A path that is there but is not a regular file (a folder, FIFO, socket or device): bad input. */
export class NotRegularFileError extends DataError {
  override name = 'NotRegularFileError';
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

/** The bytes of the regular file `path`; a NotRegularFileError when it is anything else, the error of `open` when it cannot be opened. */
export function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFileError(`${path} is ${kindOf(st)}, not a regular file: nothing read from it`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
