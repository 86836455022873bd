import { exitOnShutdown } from '@agentry/core';

/** What an example package's `run.ts` serves. */
export interface ExampleCli<R extends { stop(): Promise<void> }> {
  /** What one thing is called in messages, e.g. `agent`. */
  noun: string;
  names: readonly string[];
  /** Starts one (`port`: its port) or `all` (`port`: the first one's, the others follow). */
  start(target: string, port: number | undefined): Promise<R[]>;
  /** The line printed per started thing. */
  describe(running: R): string;
}

/**
 * The `run.ts <name|all> [--port N]` of the example packages: starts, prints where, and stops
 * everything on SIGINT/SIGTERM (handlers installed before anything is printed, since whoever waits
 * for the output may signal at once).
 */
export function runExampleCli<R extends { stop(): Promise<void> }>(cli: ExampleCli<R>): void {
  const usage = `usage: run.ts <${[...cli.names, 'all'].join('|')}> [--port N]`;
  const parse = (argv: string[]): { target: string; port?: number } => {
    const [target, ...rest] = argv;
    if (!target || target.startsWith('-')) throw new Error(usage);
    if (rest.length === 0) return { target };
    if (rest.length !== 2 || rest[0] !== '--port') throw new Error(usage);
    const port = Number(rest[1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`--port must be a port number (0-65535), got "${rest[1]}".`);
    }
    return { target, port };
  };
  const main = async () => {
    const { target, port } = parse(process.argv.slice(2));
    if (target !== 'all' && !cli.names.includes(target)) {
      throw new Error(`Unknown ${cli.noun} "${target}". ${usage}`);
    }
    const started = cli.start(target, port);
    exitOnShutdown(
      async (reason) => {
        console.log(`${reason}: stopping`);
        await Promise.all((await started).map((r) => r.stop()));
      },
      { onError: (err) => console.error(err) },
    );
    for (const r of await started) console.log(cli.describe(r));
  };
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

/**
 * Starts several examples in order (default ports, `basePort` numbering them in `allNames`
 * order, or 0 for free ports); if one fails to start, the ones already started are stopped.
 */
export async function startSeveral<N extends string, R extends { stop(): Promise<void> }>(
  names: readonly N[],
  allNames: readonly N[],
  defaultPortOf: (name: N) => number,
  basePort: number | undefined,
  startOne: (name: N, port: number) => Promise<R>,
): Promise<R[]> {
  const started: R[] = [];
  try {
    for (const name of names) {
      const port =
        basePort === undefined
          ? defaultPortOf(name)
          : basePort === 0
            ? 0
            : basePort + allNames.indexOf(name);
      started.push(await startOne(name, port));
    }
    return started;
  } catch (err) {
    await Promise.all(started.map((r) => r.stop()));
    throw err;
  }
}
