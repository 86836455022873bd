import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebClientBuilt, WEB_CLIENT_DIST } from '@agentry/devstack';
import { stopOwnPostgres } from '@agentry/testing';
import { fillCatalogue, startBrowserStack } from '../tests/browser/harness';

/**
 * The web client's budget: JavaScript the marketplace page loads (gzipped), and its first render
 * with 50 agents in a real Chromium over loopback (navigation start → the first page of agents
 * on screen, the app's `agentry:marketplace-rendered` mark), plus GraphQL requests per view.
 *
 *   node -r ./scripts/register.js bench/web-client.ts [runs=15]
 */
async function main() {
  const runs = Number(process.argv[2] ?? 15);
  await ensureWebClientBuilt({ force: true });
  const index = readFileSync(path.join(WEB_CLIENT_DIST, 'index.html'), 'utf8');
  const assets = path.join(WEB_CLIENT_DIST, 'assets');
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
    const bytes = readFileSync(path.join(assets, f));
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  const entries = [...index.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
  console.log(
    `JavaScript: ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (all chunks; entry ${entries.join(', ')})`,
  );

  const stack = await startBrowserStack('bench_web');
  try {
    await fillCatalogue(stack, 50);
    const times: number[] = [];
    const apiTimes: number[] = [];
    const jsLoaded: number[] = [];
    let requests = 0;
    for (let i = 0; i <= runs; i++) {
      const page = await stack.newPage();
      let posts = 0;
      page.on('request', (r) => {
        if (r.url().endsWith('/graphql') && r.method() === 'POST') posts++;
      });
      await page.goto('/');
      await page.getByRole('list', { name: 'Agents' }).getByRole('listitem').nth(49).waitFor();
      const ms = await page.evaluate<number>(
        "performance.getEntriesByName('agentry:marketplace-rendered')[0].startTime",
      );
      const api = await page.evaluate<number>(
        "performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/graphql')).reduce((s, e) => s + e.duration, 0)",
      );
      const js = await page.evaluate<number>(
        "performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js')).reduce((s, e) => Math.max(s, e.responseEnd), 0)",
      );
      // The first run warms the gateway's query plan cache.
      if (i > 0) {
        times.push(ms);
        apiTimes.push(api);
        jsLoaded.push(js);
      }
      requests = Math.max(requests, posts);
      await page.context().close();
    }
    for (const list of [times, apiTimes, jsLoaded]) list.sort((a, b) => a - b);
    const median = (list: number[]) => list[Math.floor(list.length / 2)];
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    console.log(
      `first marketplace render, 50 agents, ${runs} runs: p50 ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms; GraphQL requests per view: ${requests}`,
    );
    console.log(
      `  medians: script loaded at ${median(jsLoaded).toFixed(0)} ms, the GraphQL request took ${median(apiTimes).toFixed(0)} ms`,
    );
  } finally {
    await stack.stop();
    await stopOwnPostgres();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
