import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureWebClientBuilt, startPlatform, REPO_ROOT, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { startExampleMcpServers, type RunningExampleMcpServer } from '@agentry/example-mcp';
import { gql, ok, startTcpProxy, testDatabase, testSecrets, type TcpProxy } from '@agentry/testing';
import { DEMO_USERS, seedDemo, type ExampleUrls } from '../../scripts/seed';

/** Debian's Chromium (`.ci/run` installs it); playwright-core cannot download browsers here. */
export const CHROMIUM = process.env.AGENTRY_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots for docs/ are written only when asked (AGENTRY_SCREENSHOTS=1). */
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');

export interface BrowserStack {
  platform: Platform;
  /** The app's origin as the browser sees it: through a proxy the test can cut. */
  baseUrl: string;
  /** The gateway's GraphQL URL, direct (for checks made beside the browser). */
  gatewayUrl: string;
  proxy: TcpProxy;
  browser: Browser;
  agents: Record<keyof ExampleUrls, RunningExampleAgent>;
  /** A fresh browser context (own storage) and page; `width` 375 for the phone test. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Starts one more example agent (for registering a card that is not listed yet). */
  startAgent(name: keyof ExampleUrls): Promise<RunningExampleAgent>;
  stop(): Promise<void>;
}

/**
 * The whole platform with the demo data (scripts/seed.ts), the built web client, a TCP proxy in
 * front of the gateway, and a real Chromium. Worker steps are short so a task takes seconds;
 * Slowpoke thinks for a minute so a test can cancel it while it works.
 */
export async function startBrowserStack(label: string): Promise<BrowserStack> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does it) or set AGENTRY_CHROMIUM.`,
    );
  await ensureWebClientBuilt();
  const extra: RunningExampleAgent[] = [];
  const agents = {
    echo: await startExampleAgent('echo'),
    worker: await startExampleAgent('worker', { options: { steps: 8, stepMs: 400 } }),
    interviewer: await startExampleAgent('interviewer'),
    failing: await startExampleAgent('failing'),
    slowpoke: await startExampleAgent('slowpoke', { options: { delayMs: 60_000 } }),
  };
  // The demo's tool servers: the calculator is Ada's, private, with a grant for Grace.
  const toolServers: RunningExampleMcpServer[] = await startExampleMcpServers(
    ['calculator', 'docstore'],
    { basePort: 0 },
  );
  const databaseUrl = await testDatabase(label);
  const platform = await startPlatform({
    databaseUrl,
    secrets: await testSecrets(),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
  });
  const urls = Object.fromEntries(
    Object.entries(agents).map(([k, a]) => [k, a.url]),
  ) as ExampleUrls;
  await seedDemo(
    platform.gatewayUrl,
    databaseUrl,
    urls,
    () => {},
    Object.fromEntries(toolServers.map((s) => [s.name, s.url])),
  );
  const proxy = await startTcpProxy(platform.gateway.port);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const contexts: BrowserContext[] = [];
  return {
    platform,
    baseUrl: proxy.url,
    gatewayUrl: platform.gatewayUrl,
    proxy,
    browser,
    agents,
    async newPage({ width = 1200, height = 900 } = {}) {
      const context = await browser.newContext({
        baseURL: proxy.url,
        viewport: { width, height },
        isMobile: width < 500,
        hasTouch: width < 500,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      // What the page itself complained about, printed when a test fails (node:test shows it).
      page.on('pageerror', (err) => console.log(`[browser ${width}px] page error: ${err.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') console.log(`[browser ${width}px] console: ${m.text()}`);
      });
      return page;
    },
    async screenshot(page, name) {
      if (!process.env.AGENTRY_SCREENSHOTS) return;
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    async startAgent(name) {
      const a = await startExampleAgent(name);
      extra.push(a);
      return a;
    },
    async stop() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})));
      await browser.close().catch(() => {});
      await proxy.stop();
      await platform.stop();
      await Promise.all([...Object.values(agents), ...extra].map((a) => a.stop()));
      await Promise.all(toolServers.map((s) => s.stop()));
    },
  };
}

/** Signs in through the form, as a person would. */
export async function signInAs(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const signedIn = page.getByRole('button', { name: 'Sign out' });
  const refused = page.getByRole('alert');
  await signedIn.or(refused).first().waitFor();
  if (await refused.count())
    throw new Error(`sign-in refused: ${await refused.first().textContent()}`);
}

/** The task view's state text, once it equals `state`. */
export async function waitForTaskState(page: Page, state: string, timeout = 30_000) {
  await page
    .getByTestId('task-state')
    .filter({ hasText: new RegExp(`^${state}$`) })
    .waitFor({ timeout });
}

/** The sequences the timeline shows, in order. */
export const timelineSequences = (page: Page) =>
  page.$$eval('ol.timeline > li', (items) =>
    items.map((li) => Number(li.getAttribute('data-sequence'))),
  );

/** Tops the catalogue up to `total` published agents (as the demo publisher Ada). */
export async function fillCatalogue(stack: BrowserStack, total: number) {
  const ada = ok(
    await gql(
      stack.gatewayUrl,
      'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
      { e: DEMO_USERS.ada.email, p: DEMO_USERS.ada.password },
    ),
  ).signIn.token as string;
  const { agents } = ok(await gql(stack.gatewayUrl, '{ agents(first: 1) { totalCount } }'));
  for (let i = agents.totalCount; i < total; i++) {
    ok(
      await gql(
        stack.gatewayUrl,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: `Filler Agent ${i}`,
            description: 'Fills the catalogue for the render measurements.',
            url: stack.agents.echo.url,
            version: '1.0.0',
            category: 'testing',
            priceCredits: i,
          },
        },
        ada,
      ),
    );
  }
}
