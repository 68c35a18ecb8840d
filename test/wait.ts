/** Waiting in tests: a pause, polling until a condition holds (failing after a deadline), a promise or a deadline. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until `ok()` holds, polling every `every` ms; fails naming `what` after `ms`. */
export async function until(ok: () => boolean, ms: number, what: string, every = 50): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * What `promise` resolves to, or `late` if that takes more than `ms`; the timer is cleared either way,
 * so nothing of the wait outlives the test. E.g. `await within(run.exited, 15_000, 'still running')`.
 */
export async function within<T, U>(promise: Promise<T>, ms: number, late: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
