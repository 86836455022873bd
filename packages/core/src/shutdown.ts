/** How long a service may take to drain and stop before it exits anyway. */
export const SHUTDOWN_GRACE_MS = 5000;

/** Set by devstack for the services it starts: they also stop when their parent goes away. */
export const WATCH_PARENT_ENV = 'AGENTRY_WATCH_PARENT';

/**
 * The one shutdown path of every Agentry process: on SIGINT or SIGTERM (or, under devstack,
 * when the parent's pipe on stdin closes) run `stop` once, and exit when it is done or after
 * `graceMs`, whichever comes first: a drain that cannot finish must not keep the process alive.
 * A second signal exits at once.
 */
export function exitOnShutdown(
  stop: (reason: string) => Promise<void>,
  options: { graceMs?: number; onError?: (err: unknown) => void } = {},
): void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) {
      process.exit(1); // a second signal: the operator does not want to wait
    }
    stopping = true;
    const timer = setTimeout(() => process.exit(1), options.graceMs ?? SHUTDOWN_GRACE_MS);
    timer.unref();
    stop(reason).then(
      () => process.exit(0),
      (err: unknown) => {
        options.onError?.(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (process.env[WATCH_PARENT_ENV] === '1') {
    // devstack keeps a pipe on our stdin; it closes when the parent exits, even by SIGKILL.
    process.stdin.on('end', () => shutdown('parent exited'));
    process.stdin.on('error', () => shutdown('parent exited'));
    process.stdin.resume();
  }
}
