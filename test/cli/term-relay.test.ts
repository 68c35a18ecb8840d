/**
 * The SIGTERM relay (mnist-demo/cli/term-relay.ts): its thread listens through Node's `signal_wrap`
 * binding; where that is gone (forced here by PENX_TEST_NO_SIGNAL_WRAP), `start` says so and SIGTERM
 * is left to the main thread's listener; `stop` ends its thread. A run stopped by SIGTERM either way:
 * test/cli/interrupt.test.ts.
 */
import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { TermRelay } from '../../mnist-demo/cli/term-relay.ts';

afterEach(() => {
  delete process.env.PENX_TEST_NO_SIGNAL_WRAP;
});

/** This process's threads (the relay is one of them while it runs). */
const threads = () => readdirSync('/proc/self/task').length;

describe('the SIGTERM relay', () => {
  it('listens where Node offers signal_wrap; stop ends its thread', async () => {
    // libuv's thread pool started first (on its first use), so the count moves by the relay alone.
    await stat('.');
    const before = threads();
    const relay = new TermRelay();
    onTestFinished(() => relay.stop());
    expect(await relay.start()).toBe(true);
    expect(threads()).toBeGreaterThan(before);
    await relay.stop();
    expect(threads()).toBe(before);
  });

  it('without signal_wrap: start resolves false (nothing relayed), and nothing is ever marked relayed', async () => {
    process.env.PENX_TEST_NO_SIGNAL_WRAP = '1';
    const relay = new TermRelay();
    onTestFinished(() => relay.stop());
    expect(await relay.start()).toBe(false);
    relay.setActive(true);
    relay.setGuarded(true);
    expect(relay.relayedTerm()).toBe(false);
    expect(relay.takeRelayed()).toBe(false);
  });
});
