// Tests wait on events, not on time: `eventually` waits for a condition to become true. Its deadline is
// only a guard against a hang (a busy CI machine must never make a correct run fail), so it is long.

/** Wait until `check()` is true, checking at every turn of the event loop's timers; fail after `ms`. */
export async function eventually(check: () => boolean, ms = 120_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
