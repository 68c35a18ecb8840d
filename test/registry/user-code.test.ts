/**
 * User code — a penalty's, a constraint's or a gradient transform's function, a monitor's hook — is
 * called through one door, `runUserCode`: the installed runner (under `guardUserCode`, the
 * Ctrl-C watchdog) runs it, and what it throws comes out as a UserCodeError naming what threw, the
 * module it came from and the call, with what it threw as its cause. Ctrl-C interrupting it:
 * test/cli/interrupt.test.ts.
 */
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { constraint, defineConstraint } from '../../src/constraints/index.ts';
import { InterruptedError, SpecError, UserCodeError } from '../../src/errors.ts';
import { type Monitor, MonitorRun, noteMonitorModule } from '../../src/monitor/index.ts';
import { defineGradientTransform, gradientTransform } from '../../src/optim/index.ts';
import { definePenalty, penalty } from '../../src/penalties/index.ts';
import { noteOrigin, setUserCodeRunner } from '../../src/registry/index.ts';
import { tf } from '../../src/tf.ts';

/** The calls the installed runner saw: every call of user code goes through it. */
let calls = 0;
const was = setUserCodeRunner((call) => {
  calls++;
  return call();
});
afterEach(() => {
  calls = 0;
});
// Restored once the file is done (the runner is the process's).
afterAll(() => setUserCodeRunner(was));

/** What `f` threw (or its promise rejected with). */
async function thrown(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('it did not throw');
}

const w = () => tf.ones([2, 3]);

describe('user code that throws, through one door', () => {
  const boom = new RangeError('boom');

  it('a penalty: named with its spec and module, its error the cause', async () => {
    noteOrigin(
      definePenalty({
        name: 'boomPenalty',
        fn: () => {
          throw boom;
        },
      }),
      './boom-penalty.ts',
    );
    const err = await thrown(() => penalty('boomPenalty:1e-4').apply(w()));
    expect(err).toBeInstanceOf(UserCodeError);
    expect(err.message).toBe('penalty boomPenalty:1e-4 (from ./boom-penalty.ts) threw: boom');
    expect(err.cause).toBe(boom);
    expect(calls).toBe(1);
  });

  it('a penalty’s proximal operator: named as such', async () => {
    noteOrigin(
      definePenalty({
        name: 'boomProx',
        fn: (x) => tf.abs(x),
        prox: () => {
          throw boom;
        },
      }),
      './boom-prox.ts',
    );
    const err = await thrown(() => penalty('boomProx:1e-4,prox').prox(w(), tf.zeros([2, 3])));
    expect(err.message).toBe('proximal operator of penalty boomProx:1e-4,prox (from ./boom-prox.ts) threw: boom');
    expect(err.cause).toBe(boom);
    expect(calls).toBe(1);
  });

  it('a constraint: named with its spec and module, its error the cause', async () => {
    noteOrigin(
      defineConstraint({
        name: 'boomConstraint',
        params: { c: { default: 1 } },
        fn: () => {
          throw boom;
        },
      }),
      './boom-constraint.ts',
    );
    const err = await thrown(() => constraint('boomConstraint:c=2').apply(w()));
    expect(err).toBeInstanceOf(UserCodeError);
    expect(err.message).toBe('constraint boomConstraint:c=2 (from ./boom-constraint.ts) threw: boom');
    expect(err.cause).toBe(boom);
    expect(calls).toBe(1);
  });

  it('a gradient transform: named with the weight it transformed and its module, its error the cause', async () => {
    noteOrigin(
      defineGradientTransform({
        name: 'boomTransform',
        fn: () => {
          throw boom;
        },
      }),
      './boom-transform.ts',
    );
    const t = gradientTransform('boomTransform');
    const g = { 'dense/kernel': w() };
    const err = await thrown(() => t.update(g, t.init(g), g));
    expect(err).toBeInstanceOf(UserCodeError);
    expect(err.message).toBe('gradient transform boomTransform (of dense/kernel) (from ./boom-transform.ts) threw: boom');
    expect(err.cause).toBe(boom);
    expect(calls).toBe(1);
  });

  it('a monitor’s hook, thrown or rejected after an await: named with its module and the call', async () => {
    const monitor: Monitor = {
      name: 'boomMonitor',
      onTrainBegin: () => {
        throw boom;
      },
      onBatchEnd: async () => {
        await Promise.resolve();
        throw boom;
      },
      onEpochEnd: () => 0,
    };
    noteMonitorModule(monitor, './boom-monitor.ts');
    const run = new MonitorRun([], [monitor]);
    const context = {} as never;
    const begin = await thrown(() => run.trainBegin(context));
    expect(begin).toBeInstanceOf(UserCodeError);
    expect(begin.message).toBe("monitor 'boomMonitor' (from ./boom-monitor.ts) (its onTrainBegin) threw: boom");
    expect(begin.cause).toBe(boom);
    const batch = await thrown(() => run.batchEnd({ epoch: 1, batch: 2 } as never, context));
    expect(batch.message).toBe("monitor 'boomMonitor' (from ./boom-monitor.ts) (its onBatchEnd after batch 2 of epoch 1) threw: boom");
    expect(calls).toBe(2);
  });

  it('a stop asked while a monitor’s async hook is pending (after its first await, out of the guard’s reach) abandons it, naming it; one that settles is unaffected', async () => {
    let ticks = 0;
    // The hook's loop ends with the test (it would tick on in this process after it, never awaited).
    let testEnded = false;
    onTestFinished(() => {
      testEnded = true;
    });
    const controller = new AbortController();
    const waits: Monitor = {
      name: 'waitsForever',
      onBatchEnd: async () => {
        // A long await chain: the thread free, the hook not done when the stop is asked (after its first await).
        for (;;) {
          await new Promise((r) => setTimeout(r, 5));
          if (testEnded) return;
          if (++ticks === 1) controller.abort();
        }
      },
      onEpochEnd: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return 1;
      },
    };
    noteMonitorModule(waits, './waits.ts');
    const run = new MonitorRun([], [waits], controller.signal);
    const context = {} as never;
    expect((await run.epochEnd(0, context)).monitors).toEqual({ waitsForever: 1 });
    const stopped = await thrown(() => run.batchEnd({ epoch: 1, batch: 2 } as never, context));
    expect(stopped).toBeInstanceOf(InterruptedError);
    expect(stopped.message).toBe("stopped while monitor 'waitsForever' (from ./waits.ts) (its onBatchEnd after batch 2 of epoch 1) was pending");
    expect(ticks).toBeGreaterThan(0);
  });

  it('a library error the user code threw is named too; an interruption and nested user code’s error pass as they are', async () => {
    // The user's penalty calls the library wrongly: its SpecError says what, the UserCodeError which penalty.
    definePenalty({ name: 'misuses', fn: (x) => penalty('nope:1').apply(x) });
    const misuse = await thrown(() => penalty('misuses:1e-4').apply(w()));
    expect(misuse).toBeInstanceOf(UserCodeError);
    expect(misuse.message).toMatch(/^penalty misuses:1e-4 threw: unknown penalty 'nope' in 'nope:1'\. Accepted: none, l1,/);
    expect(misuse.cause).toBeInstanceOf(SpecError);
    // A penalty calling a user's penalty that throws: the innermost is named.
    definePenalty({ name: 'outer', fn: (x) => penalty('boomPenalty:1').apply(x) });
    expect((await thrown(() => penalty('outer:1e-4').apply(w()))).message).toBe('penalty boomPenalty:1 (from ./boom-penalty.ts) threw: boom');
    const stop = new InterruptedError('interrupted (SIGINT) while user code ran');
    definePenalty({
      name: 'interrupted',
      fn: () => {
        throw stop;
      },
    });
    expect(await thrown(() => penalty('interrupted:1e-4').apply(w()))).toBe(stop);
  });

  it('the library’s checks of what user code returned name the definition, not as a throw', async () => {
    definePenalty({ name: 'wrongShape', fn: () => tf.ones([5]) });
    const err = await thrown(() => penalty('wrongShape:1e-4').apply(w()));
    expect(err).not.toBeInstanceOf(UserCodeError);
    expect(err.message).toBe(
      "penalty wrongShape returned a tensor of shape [5] for weights of shape [2,3]; return a scalar or an element-wise tensor of the weights' shape",
    );
  });
});
