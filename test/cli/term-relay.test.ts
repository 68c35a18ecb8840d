/**
 * The SIGTERM relay (mnist-demo/cli/term-relay.ts): its thread listens through Node's `signal_wrap`
 * binding; where that is gone (forced here by PENX_TEST_NO_SIGNAL_WRAP), `start` says so and SIGTERM
 * is left to the main thread's listener. A run stopped by SIGTERM either way: test/cli/interrupt.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TermRelay } from '../../mnist-demo/cli/term-relay.ts';

afterEach(() => {
  delete process.env.PENX_TEST_NO_SIGNAL_WRAP;
});

describe('the SIGTERM relay', () => {
  it('listens where Node offers signal_wrap', async () => {
    expect(await new TermRelay().start()).toBe(true);
  });

  it('without signal_wrap: start resolves false (nothing relayed), and nothing is ever marked relayed', async () => {
    process.env.PENX_TEST_NO_SIGNAL_WRAP = '1';
    const relay = new TermRelay();
    expect(await relay.start()).toBe(false);
    relay.setActive(true);
    relay.setGuarded(true);
    expect(relay.relayedTerm()).toBe(false);
    expect(relay.takeRelayed()).toBe(false);
  });
});
