import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { INTERVIEWER_QUESTION } from '@agentry/example-agents';
import { codes, gql, ok, waitFor } from '@agentry/testing';
import { DEMO_USERS } from '../../scripts/seed';
import {
  fillCatalogue,
  signInAs,
  startBrowserStack,
  timelineSequences,
  waitForTaskState,
  type BrowserStack,
} from './harness';

/**
 * The web client in a real Chromium against the whole platform with the demo data: what a
 * person does, through the accessible names the issue lists (labels, button names, state text).
 * The platform start dominates (about a minute on the shared machine), hence one stack for all.
 */
describe('web client in Chromium', { timeout: 600_000 }, () => {
  let stack: BrowserStack;
  const grace = DEMO_USERS.grace;

  before(async () => {
    stack = await startBrowserStack('browser');
  });
  after(async () => {
    await stack?.stop();
  });

  const tokenOf = (page: Page) =>
    page.evaluate<string>("JSON.parse(localStorage.getItem('agentry.session')).token");

  const openAgent = async (page: Page, name: string) => {
    await page.goto('/');
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
  };

  const hire = async (page: Page, message: string) => {
    await page.getByLabel('Message').fill(message);
    await page.getByRole('button', { name: 'Hire', exact: true }).click();
    await page.getByTestId('task-state').waitFor();
    return page.url().split('/tasks/')[1];
  };

  it('signs up, searches, hires an agent, watches the task live to COMPLETED and reviews it', async () => {
    const page = await stack.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Browser Tester');
    await page.getByLabel('Email').fill('browser@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.getByLabel('Search', { exact: true }).fill('long job progress');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await page.getByRole('link', { name: 'Worker', exact: true }).click();
    await page.getByRole('heading', { name: 'Worker', level: 1 }).waitFor();
    await page.getByText('compile the quarterly numbers').waitFor(); // a skill example
    await page.getByText('1,000 credits available').waitFor(); // the welcome grant, beside the price
    await stack.screenshot(page, 'agent');

    await hire(page, 'compile the quarterly numbers');
    await waitForTaskState(page, 'COMPLETED');
    await page.getByText('Finished compile the quarterly numbers.').waitFor();
    await page.getByText('step 8/8 done').waitFor(); // the streamed artifact, whole
    await page.getByText('Cost: 20 credits').waitFor();
    await stack.screenshot(page, 'task');

    await page.getByLabel('Rating').selectOption('4');
    await page.getByLabel('Title').fill('Steady worker');
    await page.getByLabel('Review', { exact: true }).fill('Reported every step.');
    // The reviews subgraph learns of the completed task from the event log: a moment later.
    const published = page
      .getByRole('status')
      .filter({ hasText: 'your review of Worker is published' });
    const refused = page.getByRole('form', { name: 'Review Worker' }).getByRole('alert');
    await waitFor(
      'the review to be accepted',
      async () => {
        await page.getByRole('button', { name: 'Submit review' }).click();
        await published.or(refused).first().waitFor({ timeout: 60_000 });
        if (await published.count()) return true;
        const why = (await refused.textContent()) ?? '';
        if (!why.includes('after a task with it')) throw new Error(`review refused: ${why}`);
        return false;
      },
      30_000,
      250,
    );
    await openAgent(page, 'Worker');
    await page.getByText('Steady worker').waitFor();
    await page.getByText('Rating: 4.0 / 5 (1 review)').waitFor();
  });

  it('says how many credits are missing when a wallet cannot pay, and charges nothing', async () => {
    const ada = ok(
      await gql(
        stack.gatewayUrl,
        'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
        { e: DEMO_USERS.ada.email, p: DEMO_USERS.ada.password },
      ),
    ).signIn.token as string;
    ok(
      await gql(
        stack.gatewayUrl,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Premium Analyst',
            description: 'Costs more than a welcome grant.',
            url: stack.agents.echo.url,
            version: '1.0.0',
            category: 'finance',
            priceCredits: 5000,
          },
        },
        ada,
      ),
    );
    const page = await stack.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Short Of Credits');
    await page.getByLabel('Email').fill('short@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await openAgent(page, 'Premium Analyst');
    await page.getByText('You need 4000 more credits to hire this agent.').waitFor();
    await page.getByLabel('Message').fill('analyse everything');
    await page.getByRole('button', { name: 'Hire', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({
        hasText: 'You need 4000 more credits: this costs 5000 and you have 1000 available.',
      })
      .waitFor();
    assert.ok(page.url().includes('/agents/'), 'no task page: nothing was sent');
    await page.getByRole('link', { name: 'Wallet' }).click();
    await page.getByTestId('wallet-available').filter({ hasText: '1,000 credits' }).waitFor();
    assert.equal(await page.getByTestId('wallet-held').textContent(), '0 credits');
  });

  it("shows the interviewer's question, takes the reply and completes", async () => {
    const page = await stack.newPage();
    await signInAs(page, grace.email, grace.password);
    await openAgent(page, 'Interviewer');
    await hire(page, 'hello');
    await waitForTaskState(page, 'INPUT_REQUIRED');
    await page.getByText(INTERVIEWER_QUESTION).waitFor();
    await page.getByLabel('Reply').fill('Grace');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await waitForTaskState(page, 'COMPLETED');
    await page.getByText('Nice to meet you, Grace').waitFor();
    assert.equal(await page.getByLabel('Reply').count(), 0, 'no reply box after completion');
  });

  it('cancels a slow task and shows the hold released in the wallet', async () => {
    const page = await stack.newPage();
    await signInAs(page, grace.email, grace.password);
    await openAgent(page, 'Slowpoke');
    const taskId = await hire(page, 'take your time');
    await waitForTaskState(page, 'WORKING');

    await page.getByRole('link', { name: 'Wallet' }).click();
    await page.getByTestId('wallet-held').filter({ hasText: '2 credits' }).waitFor();
    await page.getByText('HOLD').first().waitFor();

    await page.goto(`/tasks/${taskId}`);
    await page.getByRole('button', { name: 'Cancel task' }).click();
    await waitForTaskState(page, 'CANCELED');
    await page.getByText('Nothing was charged').waitFor();

    await waitFor('the hold to be released', async () => {
      await page.goto('/wallet');
      const held = await page.getByTestId('wallet-held').textContent();
      return held === '0 credits';
    });
    const ledger = page.getByRole('list', { name: 'Ledger entries' }).getByRole('listitem');
    assert.match((await ledger.first().textContent()) ?? '', /RELEASE\s*2 credits/);
  });

  it('updates My tasks live from myTaskEvents, and filters by state', async () => {
    const watcher = await stack.newPage();
    await signInAs(watcher, grace.email, grace.password);
    await watcher.getByRole('link', { name: 'My tasks' }).click();
    await watcher
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor();
    const rows = watcher.getByRole('row').filter({ hasText: 'Copy Polisher' });
    assert.equal(await rows.count(), 0);

    // The same user hires from another browser: the row appears here without a reload, and
    // follows the task's state.
    const other = await stack.newPage();
    await signInAs(other, grace.email, grace.password);
    await openAgent(other, 'Copy Polisher');
    await hire(other, 'make it punchier');
    await rows.first().getByText('WORKING').waitFor();
    await other.getByRole('button', { name: 'Cancel task' }).click();
    await waitForTaskState(other, 'CANCELED');
    await rows.first().getByText('CANCELED').waitFor();

    await watcher.getByLabel('State').selectOption('COMPLETED');
    const table = watcher.getByRole('table', { name: 'Tasks' });
    await table.getByRole('row').nth(1).waitFor();
    const states = await table.locator('tbody td:nth-child(2)').allTextContents();
    assert.ok(states.length > 0 && states.every((s) => s === 'COMPLETED'), states.join());
    assert.equal(await rows.count(), 0, 'the canceled task is not among the completed');
  });

  it('lets a publisher preview an example agent card and register it', async () => {
    const page = await stack.newPage();
    const fresh = await stack.startAgent('echo');
    await signInAs(page, DEMO_USERS.ada.email, DEMO_USERS.ada.password);
    await page.getByRole('link', { name: 'Publish' }).click();
    const myAgents = page.getByRole('table', { name: 'My agents' });
    await myAgents.waitFor();
    const echoes = () => myAgents.getByRole('link', { name: 'Echo', exact: true }).count();
    const before = await echoes();

    // A card that does not answer: a message that says what to check, nothing registered.
    await page.getByLabel('Card URL').fill('http://127.0.0.1:9/');
    await page.getByRole('button', { name: 'Preview card' }).click();
    await page.getByRole('alert').filter({ hasText: 'Check that the agent is running' }).waitFor();

    await page.getByLabel('Card URL').fill(fresh.url);
    await page.getByRole('button', { name: 'Preview card' }).click();
    const preview = page.getByLabel('Card preview');
    await preview.getByRole('heading', { name: 'Echo' }).waitFor();
    await preview.getByText('Repeats your text back').waitFor();
    await page.getByLabel('Price (credits)').fill('3');
    await page.getByLabel('Category').fill('developer-tools');
    await page.getByLabel('Tags (comma-separated)').fill('testing, echo');
    await stack.screenshot(page, 'publisher');
    await page.getByRole('button', { name: 'Register agent' }).click();
    await waitFor('the new listing in My agents', async () => (await echoes()) === before + 1);
  });

  it('calls an MCP tool from a form generated from its input schema, and shares it by user ID', async () => {
    const page = await stack.newPage();
    await signInAs(page, grace.email, grace.password);
    await page.goto('/tools');
    await page.getByRole('link', { name: 'Calculator' }).click();
    await page.getByRole('heading', { name: 'Calculator', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Try add' }).click();
    await page.getByLabel(/^a \(required\)/).fill('2');
    await page.getByLabel(/^b \(required\)/).fill('3');
    await page.getByRole('button', { name: 'Call tool' }).click();
    await page.getByText('2 + 3 = 5').waitFor();

    // Ada shares her private calculator with Alan, by the user ID his API keys page shows.
    const alan = await stack.newPage();
    await signInAs(alan, DEMO_USERS.alan.email, DEMO_USERS.alan.password);
    await alan.goto('/keys');
    const alanId = (await alan.getByTestId('user-id').textContent())!;
    await alan.goto('/tools');
    await alan.getByRole('heading', { name: 'Tool servers' }).waitFor();
    await alan.getByRole('link', { name: 'Handbook' }).waitFor(); // public
    assert.equal(await alan.getByRole('link', { name: 'Calculator' }).count(), 0);

    const ada = await stack.newPage();
    await signInAs(ada, DEMO_USERS.ada.email, DEMO_USERS.ada.password);
    await ada.goto('/tools');
    await ada.getByRole('link', { name: 'Calculator' }).click();
    await ada.getByLabel('User ID').fill(alanId);
    await ada.getByLabel(/^Tools/).fill('add');
    await ada.getByRole('button', { name: 'Grant access' }).click();
    await ada.getByText('Alan Turing · add').waitFor();

    await alan.reload();
    await alan.getByRole('link', { name: 'Calculator' }).click();
    await alan.getByRole('button', { name: 'Try add' }).waitFor();
    assert.equal(await alan.getByRole('button', { name: 'Try multiply' }).count(), 0);
  });

  it('creates an API key that works, shows its secret once, and revokes it', async () => {
    const page = await stack.newPage();
    await signInAs(page, grace.email, grace.password);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('browser-ci');
    await page.getByLabel(/billing:read/).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').textContent())!;
    assert.match(secret, /^agy_/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    const me = 'query { me { name wallet { available } } }';
    assert.equal(ok(await gql(stack.gatewayUrl, me, {}, secret)).me.name, grace.name);

    const row = page.getByRole('row').filter({ hasText: 'browser-ci' });
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.getByText(/^Revoked/).waitFor();
    assert.deepEqual(codes(await gql(stack.gatewayUrl, me, {}, secret)), ['UNAUTHENTICATED']);
    // Shown once: after a reload the secret is gone, the prefix stays.
    await page.reload();
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    assert.equal(await page.getByTestId('api-key-secret').count(), 0);
  });

  it('resumes the timeline after the connection drops mid-task, with no gap and no duplicate', async () => {
    const page = await stack.newPage();
    await signInAs(page, grace.email, grace.password);
    await openAgent(page, 'Worker');
    const taskId = await hire(page, 'survive a network cut');
    await waitFor(
      'three events on the timeline',
      async () => (await timelineSequences(page)).length >= 3,
    );
    const acceptedBefore = stack.proxy.accepted();

    // The network goes away: every socket through the proxy dies and new ones are refused.
    stack.proxy.pause();
    stack.proxy.dropAll();
    await page.getByText('Reconnecting…').waitFor();
    stack.proxy.resume();

    await waitForTaskState(page, 'COMPLETED');
    assert.ok(stack.proxy.accepted() > acceptedBefore, 'the client reconnected');
    const shown = await timelineSequences(page);
    const stored = ok(
      await gql(
        stack.gatewayUrl,
        'query($id: ID!) { task(id: $id) { events(first: 100) { totalCount } } }',
        { id: taskId },
        await tokenOf(page),
      ),
    ).task.events.totalCount as number;
    assert.deepEqual(
      shown,
      Array.from({ length: stored }, (_, i) => i + 1),
      'every stored event once, in order',
    );
  });

  it('is usable at 375 px wide', async () => {
    const page = await stack.newPage({ width: 375, height: 740 });
    await page.goto('/');
    await page.getByRole('list', { name: 'Agents' }).getByRole('listitem').first().waitFor();
    const overflow = () =>
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok((await overflow()) <= 0, 'no horizontal scrolling on the marketplace');
    await stack.screenshot(page, 'marketplace-375');
    await signInAs(page, grace.email, grace.password);
    await openAgent(page, 'SQL Whisperer');
    const box = (await page.getByLabel('Message').boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 375, 'the hire form fits the screen');
    assert.ok((await overflow()) <= 0, 'no horizontal scrolling on the agent page');
    // Keyboard only: Tab reaches the Hire button and Enter submits.
    await page.getByLabel('Message').fill('from a phone');
    await page.getByRole('button', { name: 'Hire', exact: true }).focus();
    await page.keyboard.press('Enter');
    await waitForTaskState(page, 'COMPLETED');
  });

  it('renders the marketplace from one GraphQL request, and the agent page from one', async () => {
    // Fill the catalogue to 50 agents, then time the first render (printed, not asserted:
    // figures belong in docs/BENCHMARKS.md, bench/web-client.ts measures them properly).
    await fillCatalogue(stack, 50);
    const page = await stack.newPage();
    const graphqlPosts: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && r.method() === 'POST')
        graphqlPosts.push(r.postData() ?? '');
    });
    await page.goto('/');
    const cards = page.getByRole('list', { name: 'Agents' }).getByRole('listitem');
    await cards.nth(49).waitFor();
    const renderedMs = await page.evaluate<number>('performance.now()');
    console.log(
      `first marketplace render with 50 agents: ${renderedMs.toFixed(0)} ms after navigation`,
    );
    assert.equal(await cards.count(), 50);
    assert.equal(graphqlPosts.length, 1, 'one request for the marketplace');
    await stack.screenshot(page, 'marketplace');

    graphqlPosts.length = 0;
    await page.getByRole('link', { name: 'Research Scout', exact: true }).click();
    await page
      .getByRole('heading', { name: 'Ratings by stars' })
      .or(page.getByRole('list', { name: 'Ratings by stars' }))
      .first()
      .waitFor();
    assert.equal(graphqlPosts.length, 1, 'one request for the agent page');

    // Sorting and filters are server-side: cheapest first, then a category.
    await page.goto('/?sort=PRICE_LOW');
    await cards.first().waitFor();
    const prices = await page.$$eval('.card .price', (els) =>
      els.map((e) => parseInt(e.textContent!.replace(/,/g, ''), 10)),
    );
    assert.deepEqual(
      prices,
      [...prices].sort((a, b) => a - b),
    );
    await page.getByLabel('Category').selectOption('research');
    await page.getByText('1 agent', { exact: true }).waitFor();
  });
});
