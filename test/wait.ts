/** Waiting in tests: a pause, and polling until a condition holds (failing after a deadline). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until `ok()` holds, polling every `every` ms; fails naming `what` after `ms`. */
export async function until(ok: () => boolean, ms: number, what: string, every = 50): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}
