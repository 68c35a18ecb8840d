/**
 * A sweep's run holds its `--monitor` modules to the sweep's check: the check records each module's
 * SHA-256 (parseExperiment's `monitorDigests`, handed to every run's child), and a run whose module
 * differs when it loads it is refused (UsageError) before it trains or writes anything. Before, a
 * module edited meanwhile was loaded as it was then, and caught only at a write (a figure of a
 * monitor the sweep had not checked), after runs had trained.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperiment } from '../../mnist-demo/cli/actions/parse-experiment.ts';
import type { ExperimentFlags } from '../../mnist-demo/cli/experiment-options.ts';
import { UsageError } from '../../src/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-monitor-digest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const monitor = join(root, 'm.mjs');
const FIRST = "export default { name: 'first', onEpochEnd: () => 1 };\n";
const out = join(root, 'runs');
const flags = {
  epochs: '1',
  batchSize: '64',
  seed: '1',
  trainSize: '128',
  testSize: '64',
  optimizer: 'adam',
  trackNorms: 'epoch',
  pruneEpochs: 'none',
  monitor,
  out,
  name: 's',
} as ExperimentFlags;

describe("a sweep's run and its monitor modules", () => {
  it('records each module’s SHA-256 at the check, and refuses a run whose module changed since, before anything is written (it loaded the new one)', async () => {
    writeFileSync(monitor, FIRST);
    const checked = await parseExperiment(flags);
    const digest = createHash('sha256').update(FIRST).digest('hex');
    expect(checked.monitorDigests).toEqual({ [monitor]: digest });
    // Unchanged: the run loads it.
    await expect(parseExperiment(flags, { monitorDigests: checked.monitorDigests })).resolves.toMatchObject({ monitors: [{ name: 'first' }] });
    writeFileSync(monitor, FIRST.replace('first', 'second'));
    const run = parseExperiment(flags, { monitorDigests: checked.monitorDigests });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(
      `monitor module '${monitor}' is not the one the sweep checked (SHA-256 ${digest} then, ${createHash('sha256').update(FIRST.replace('first', 'second')).digest('hex')} here: edited since, or another copy on this worker's machine); this run was not trained and nothing of it was written`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
