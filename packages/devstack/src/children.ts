import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

/** Remembers a process devstack started, until it exits. */
export function trackChild<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/**
 * SIGKILLs every process devstack started that still runs: the last step of a bounded shutdown
 * (e.g. Ctrl-C while things are still starting), so nothing is left behind.
 */
export function killStartedProcesses(): void {
  for (const child of live) child.kill('SIGKILL');
}
