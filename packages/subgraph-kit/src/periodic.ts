/**
 * Runs `round` every `intervalMs` (0 or less: never) on an unref'd timer, so it never keeps a
 * process alive; a round still running when the next is due lets that one pass. Returns the stop
 * function, which waits for a round in flight.
 */
export function runPeriodically(
  intervalMs: number,
  round: () => Promise<unknown>,
  onError: (err: unknown) => void,
): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = round()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** Applies `work` to every item, at most `concurrency` at a time. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
