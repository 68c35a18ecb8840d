/** Running the real `penx` command from tests, as a user would from a shell: the built dist/cli.mjs. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function penx(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.mjs', ...args], { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

export function spawnPenx(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['dist/cli.mjs', ...args], { stdio: 'ignore' });
}
