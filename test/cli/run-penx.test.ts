/**
 * `penx` from tests (run-penx.ts) leaves no process behind: one past its timeout, or still running when
 * its test ends, is killed with the processes it started. Here `penx` never gets to run: a preload
 * (`--import`) starts a grandchild, writes its pid, and waits forever — as a sweep's run would outlive
 * a `penx sweep` killed alone (what `execFile`'s timeout did).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../wait.ts';
import { penxWith } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-run-penx-'));
const hang = join(root, 'hang.mjs');
writeFileSync(
  hang,
  `import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', ${JSON.stringify(root)}], { stdio: 'ignore' });
writeFileSync(process.env.PID_FILE + '.tmp', String(grandchild.pid));
renameSync(process.env.PID_FILE + '.tmp', process.env.PID_FILE);
setInterval(() => {}, 1e9);
await new Promise(() => {});
`,
);

/** The grandchild whose pid `file` holds, if it is still running (not gone, not a zombie). */
function running(file: string): number | undefined {
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? undefined : pid;
  } catch {
    return undefined;
  }
}

const pidFiles = [join(root, 'timed-out.pid'), join(root, 'test-ended.pid')] as const;
afterAll(() => {
  // On a penxWith that leaves them (the check failing), the grandchildren are this file's to end.
  for (const file of pidFiles.filter(existsSync)) {
    const pid = running(file);
    if (pid !== undefined && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(root)) process.kill(pid, 'SIGKILL');
  }
  rmSync(root, { recursive: true, force: true });
});

describe('penx from tests leaves no process behind', () => {
  it('past its timeout: killed (137) with the processes it started', async () => {
    const [file] = pidFiles;
    const r = await penxWith({ nodeArgs: ['--import', hang], env: { PID_FILE: file }, timeoutMs: 3_000 }, 'train');
    expect(r.code, r.stderr).toBe(137);
    // Nothing started before the timeout (a machine too busy to start node in 3 s): nothing to leave.
    if (existsSync(file)) expect(running(file)).toBeUndefined();
  });

  it('still running when its test ends: killed with the processes it started (1/2: the test ends)', async () => {
    const [, file] = pidFiles;
    void penxWith({ nodeArgs: ['--import', hang], env: { PID_FILE: file } }, 'train');
    await until(() => existsSync(file), 30_000, 'the grandchild to start');
    expect(running(file)).toBeDefined();
  });

  it('(2/2) gone once that test has ended', () => {
    expect(running(pidFiles[1])).toBeUndefined();
  });
});
