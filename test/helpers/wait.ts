/** Polls until `check` returns a truthy value (or throws after the timeout). */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `waitFor: timed out after ${timeoutMs} ms${last instanceof Error ? ` (last error: ${last.message})` : ''}`,
  );
}
