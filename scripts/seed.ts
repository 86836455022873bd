import { execFile } from 'node:child_process';
import { graphqlRequest } from '@agentry/core';
import { nodeArgsFor, REPO_ROOT } from '@agentry/devstack';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = REPO_ROOT;

/** Demo accounts printed by `npm start` (development data only). */
export const DEMO_USERS = {
  admin: { email: 'admin@agentry.dev', password: 'agentry-admin', name: 'Agentry Admin' },
  ada: {
    email: 'ada@agentry.dev',
    password: 'agentry-demo',
    name: 'Ada Lovelace Labs',
    publisher: true,
  },
  lin: {
    email: 'lin@agentry.dev',
    password: 'agentry-demo',
    name: 'Lin Agents Co.',
    publisher: true,
  },
  grace: { email: 'grace@agentry.dev', password: 'agentry-demo', name: 'Grace Hopper' },
  alan: { email: 'alan@agentry.dev', password: 'agentry-demo', name: 'Alan Turing' },
} as const;

type DemoUser = keyof typeof DEMO_USERS;

/** Base URLs of the example A2A agents (examples/agents) the demo catalogue runs on. */
export type ExampleUrls = Record<
  'echo' | 'worker' | 'interviewer' | 'failing' | 'slowpoke',
  string
>;

/** The example agents themselves, registered from their live A2A cards. */
const REGISTERED: {
  by: DemoUser;
  example: keyof ExampleUrls;
  priceCredits: number;
  category: string;
  tags: string[];
}[] = [
  { by: 'ada', example: 'echo', priceCredits: 1, category: 'developer-tools', tags: ['testing'] },
  { by: 'ada', example: 'worker', priceCredits: 20, category: 'operations', tags: ['batch'] },
  {
    by: 'lin',
    example: 'interviewer',
    priceCredits: 5,
    category: 'support',
    tags: ['conversation'],
  },
  {
    by: 'lin',
    example: 'failing',
    priceCredits: 1,
    category: 'developer-tools',
    tags: ['testing'],
  },
  {
    by: 'lin',
    example: 'slowpoke',
    priceCredits: 2,
    category: 'developer-tools',
    tags: ['polling'],
  },
];

/**
 * Catalogue entries described by hand; each runs on one of the example agents, so every demo
 * agent can really be hired.
 */
const demoAgents = (EXAMPLE: ExampleUrls): { by: DemoUser; input: Record<string, unknown> }[] => [
  {
    by: 'ada',
    input: {
      name: 'Research Scout',
      description: 'Searches sources, reads them and writes a short cited brief on any topic.',
      url: EXAMPLE.worker,
      version: '2.1.0',
      category: 'research',
      tags: ['research', 'summaries', 'citations'],
      priceCredits: 25,
      skills: [
        {
          id: 'brief',
          name: 'Research brief',
          description: 'A one-page brief with sources.',
          tags: ['research'],
          examples: ['State of solid-state batteries'],
        },
      ],
      capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: true },
    },
  },
  {
    by: 'ada',
    input: {
      name: 'Copy Polisher',
      description: 'Edits marketing copy for clarity and tone, keeping your voice.',
      url: EXAMPLE.slowpoke,
      version: '1.3.0',
      category: 'writing',
      tags: ['writing', 'editing', 'marketing'],
      priceCredits: 10,
      skills: [
        {
          id: 'polish',
          name: 'Polish copy',
          description: 'Rewrites text for clarity.',
          tags: ['editing'],
          examples: ['Make this landing page punchier'],
        },
      ],
      capabilities: { streaming: false, pushNotifications: false, stateTransitionHistory: false },
    },
  },
  {
    by: 'lin',
    input: {
      name: 'SQL Whisperer',
      description: 'Turns questions into SQL for PostgreSQL and explains the query plan.',
      url: EXAMPLE.echo,
      version: '0.9.0',
      category: 'data',
      tags: ['sql', 'postgres', 'analytics'],
      priceCredits: 15,
      skills: [
        {
          id: 'text-to-sql',
          name: 'Text to SQL',
          description: 'Writes SQL from a question.',
          tags: ['sql'],
          examples: ['Monthly active users by plan'],
        },
      ],
      capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
    },
  },
  {
    by: 'lin',
    input: {
      name: 'Code Reviewer',
      description: 'Reviews a diff for bugs, security issues and style, with concrete suggestions.',
      url: EXAMPLE.interviewer,
      version: '3.0.1',
      category: 'coding',
      tags: ['code-review', 'security', 'typescript'],
      priceCredits: 30,
      skills: [
        {
          id: 'review',
          name: 'Review a diff',
          description: 'Finds bugs in a patch.',
          tags: ['review'],
          examples: ['Review this pull request'],
        },
      ],
      capabilities: { streaming: true, pushNotifications: true, stateTransitionHistory: true },
    },
  },
  {
    by: 'lin',
    input: {
      name: 'Support Triage',
      description:
        'Classifies incoming support tickets, drafts replies and escalates the urgent ones.',
      url: EXAMPLE.interviewer,
      version: '1.0.0',
      category: 'support',
      tags: ['support', 'triage', 'email'],
      priceCredits: 5,
      skills: [
        {
          id: 'triage',
          name: 'Triage a ticket',
          description: 'Labels and drafts a reply.',
          tags: ['support'],
          examples: ['My invoice is wrong'],
        },
      ],
      capabilities: { streaming: false, pushNotifications: false, stateTransitionHistory: false },
    },
  },
  {
    by: 'ada',
    input: {
      name: 'Ledger Auditor',
      description:
        'Checks bookkeeping exports for anomalies and reconciles them against bank statements.',
      url: EXAMPLE.worker,
      version: '1.1.0',
      category: 'finance',
      tags: ['finance', 'audit', 'reconciliation'],
      priceCredits: 40,
      skills: [
        {
          id: 'reconcile',
          name: 'Reconcile',
          description: 'Matches ledger lines to statements.',
          tags: ['finance'],
          examples: ['Reconcile October'],
        },
      ],
      capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
    },
  },
];

/**
 * Agents that overlap the catalogue above in skills, tags and category, so the knowledge graph
 * has neighbours to show (`similarAgents`).
 */
const overlappingAgents = (
  EXAMPLE: ExampleUrls,
): { by: DemoUser; input: Record<string, unknown> }[] => {
  const agent = (
    by: DemoUser,
    name: string,
    description: string,
    url: string,
    category: string,
    tags: string[],
    priceCredits: number,
    skills: [string, string][],
  ) => ({
    by,
    input: {
      name,
      description,
      url,
      version: '1.0.0',
      category,
      tags,
      priceCredits,
      skills: skills.map(([id, skillName]) => ({
        id,
        name: skillName,
        description: `${skillName}.`,
        tags: [],
        examples: [],
      })),
      capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
    },
  });
  return [
    agent(
      'lin',
      'Paper Digest',
      'Reads research papers and writes a cited one-page digest.',
      EXAMPLE.worker,
      'research',
      ['research', 'summaries', 'papers'],
      15,
      [
        ['brief', 'Research brief'],
        ['digest', 'Summarize a paper'],
      ],
    ),
    agent(
      'ada',
      'Market Analyst',
      'Researches a market and sums up competitors, prices and trends.',
      EXAMPLE.worker,
      'research',
      ['research', 'analytics', 'citations'],
      35,
      [
        ['brief', 'Research brief'],
        ['compare', 'Compare competitors'],
      ],
    ),
    agent(
      'lin',
      'Data Storyteller',
      'Queries your warehouse and writes the story the numbers tell.',
      EXAMPLE.echo,
      'data',
      ['analytics', 'sql', 'summaries'],
      20,
      [
        ['text-to-sql', 'Text to SQL'],
        ['chart', 'Chart a table'],
      ],
    ),
    agent(
      'ada',
      'Tone Checker',
      'Checks that copy matches your brand voice and suggests edits.',
      EXAMPLE.slowpoke,
      'writing',
      ['writing', 'editing', 'brand'],
      6,
      [
        ['polish', 'Polish copy'],
        ['tone', 'Check tone'],
      ],
    ),
    agent(
      'lin',
      'Security Auditor',
      'Audits a code base for vulnerabilities and writes a report.',
      EXAMPLE.interviewer,
      'coding',
      ['security', 'code-review', 'audit'],
      45,
      [
        ['review', 'Review a diff'],
        ['threats', 'Threat model'],
      ],
    ),
  ];
};

/**
 * Other marketplace users, so the knowledge graph sees who hires what together
 * (`hiredTogetherWith`, `me { recommendedAgents }`): sign-in details are not printed.
 */
const DEMO_CROWD = ['maya', 'omar', 'rhea', 'ivan', 'zoe'].map((n) => ({
  key: n,
  email: `${n}@crowd.agentry.dev`,
  password: 'agentry-crowd',
  name: `${n[0].toUpperCase()}${n.slice(1)} (demo crowd)`,
}));

/** [requester, agent name, review rating or 0 for none] — finished tasks of the crowd. */
const CROWD_HIRES: [string, string, number][] = [
  ['maya', 'Research Scout', 5],
  ['maya', 'SQL Whisperer', 0],
  ['maya', 'Code Reviewer', 5],
  ['omar', 'Research Scout', 4],
  ['omar', 'Copy Polisher', 5],
  ['omar', 'Paper Digest', 5],
  ['rhea', 'SQL Whisperer', 4],
  ['rhea', 'Code Reviewer', 4],
  ['rhea', 'Data Storyteller', 5],
  ['ivan', 'Research Scout', 0],
  ['ivan', 'Paper Digest', 4],
  ['ivan', 'Market Analyst', 0],
  ['zoe', 'Code Reviewer', 0],
  ['zoe', 'Security Auditor', 5],
  ['zoe', 'SQL Whisperer', 3],
];

/** [requester, agent name, question, answer, review rating, review title] */
const DEMO_HISTORY: [DemoUser, string, string, string, number, string][] = [
  [
    'grace',
    'Research Scout',
    'Brief me on RISC-V adoption',
    'RISC-V is spreading in embedded and data-centre parts...',
    5,
    'Saved me an afternoon',
  ],
  [
    'alan',
    'Research Scout',
    'What is new in homomorphic encryption?',
    'Recent schemes cut bootstrapping cost...',
    4,
    'Good sources, a bit long',
  ],
  [
    'grace',
    'SQL Whisperer',
    'Weekly signups by country',
    "SELECT country, date_trunc('week', created_at) ...",
    4,
    'Correct SQL first time',
  ],
  [
    'alan',
    'Code Reviewer',
    'Review my parser patch',
    'Line 42 reads past the buffer when the input ends in a quote...',
    5,
    'Found a real bug',
  ],
  ['grace', 'Echo', 'hello world', 'hello world', 3, 'Does what it says'],
];

function call(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- demo data is read loosely
  return graphqlRequest<any>(gatewayUrl, { query, variables, token });
}

async function must(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
) {
  const r = await call(gatewayUrl, query, variables, token);
  if (r.errors?.length) throw new Error(`seed: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.data;
}

/** Retries while another subgraph has not consumed an event yet (bounded: 15 s). */
async function eventually<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`seed: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const cli = (entry: string, args: string[], databaseUrl: string) =>
  run(
    process.execPath,
    [...nodeArgsFor(entry), ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  );

export async function signIn(
  gatewayUrl: string,
  who: DemoUser,
): Promise<{ token: string; id: string } | null> {
  const r = await call(
    gatewayUrl,
    'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token user { id } } }',
    {
      e: DEMO_USERS[who].email,
      p: DEMO_USERS[who].password,
    },
  );
  return r.data?.signIn ? { token: r.data.signIn.token, id: r.data.signIn.user.id } : null;
}

/**
 * Loads the demo data through the public API, and the operator CLIs for what no API offers: the
 * ADMIN role, and a short history of finished tasks (so there is something to review; tasks you
 * send yourself run on the example agents for real). Does nothing if it ran before.
 */
export async function seedDemo(
  gatewayUrl: string,
  databaseUrl: string,
  examples: ExampleUrls,
  log: (line: string) => void = console.log,
  toolServers: Partial<Record<'calculator' | 'docstore' | 'slow' | 'flaky', string>> = {},
  options: {
    /**
     * Also a crowd of users with hires and reviews, and agents that overlap the catalogue, so
     * the knowledge graph has something to say (`npm start` sets it; tests that count the
     * catalogue's ratings and tasks do not).
     */
    knowledgeDemo?: boolean;
  } = {},
) {
  const crowd = options.knowledgeDemo ? DEMO_CROWD : [];
  const crowdHires = options.knowledgeDemo ? CROWD_HIRES : [];
  if (await signIn(gatewayUrl, 'admin')) return false;
  const session: Record<string, { token: string; id: string }> = {};
  for (const [key, u] of Object.entries(DEMO_USERS)) {
    const d = await must(
      gatewayUrl,
      'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }',
      { i: u },
    );
    session[key] = { token: d.signUp.token, id: d.signUp.user.id };
  }
  for (const u of crowd) {
    const d = await must(
      gatewayUrl,
      'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }',
      { i: { email: u.email, password: u.password, name: u.name } },
    );
    session[u.key] = { token: d.signUp.token, id: d.signUp.user.id };
  }
  await cli(
    'subgraphs/users/src/cli.ts',
    ['grant-role', DEMO_USERS.admin.email, 'ADMIN'],
    databaseUrl,
  );
  session.admin = (await signIn(gatewayUrl, 'admin'))!;

  const agentIds: Record<string, string> = {};
  for (const r of REGISTERED) {
    const d = await must(
      gatewayUrl,
      'mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { id name } }',
      {
        i: {
          cardUrl: examples[r.example],
          priceCredits: r.priceCredits,
          category: r.category,
          tags: r.tags,
        },
      },
      session[r.by].token,
    );
    agentIds[d.registerAgent.name] = d.registerAgent.id;
  }
  const catalogue = [
    ...demoAgents(examples),
    ...(options.knowledgeDemo ? overlappingAgents(examples) : []),
  ];
  for (const a of catalogue) {
    const d = await must(
      gatewayUrl,
      'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id name } }',
      { i: a.input },
      session[a.by].token,
    );
    agentIds[d.createAgent.name] = d.createAgent.id;
  }

  const finishTask = async (
    who: string,
    agent: string,
    question: string,
    answer: string,
    review?: { rating: number; title: string },
  ) => {
    await eventually(`the tasks subgraph to learn about ${agent}`, async () => {
      try {
        await cli(
          'subgraphs/tasks/src/cli.ts',
          [
            'record-demo-task',
            '--agent',
            agentIds[agent],
            '--requester',
            session[who].id,
            '--text',
            question,
            '--reply',
            answer,
          ],
          databaseUrl,
        );
        return true;
      } catch {
        return undefined;
      }
    });
    if (!review) return;
    await eventually(`the reviews subgraph to see the finished task with ${agent}`, async () => {
      const r = await call(
        gatewayUrl,
        'mutation($a: ID!, $r: Int!, $t: String!, $b: String!) { reviewAgent(agentId: $a, rating: $r, title: $t, body: $b) { id } }',
        {
          a: agentIds[agent],
          r: review.rating,
          t: review.title,
          b: `${review.title}. Asked: "${question}".`,
        },
        session[who].token,
      );
      return r.data?.reviewAgent ? true : undefined;
    });
  };
  for (const [who, agent, question, answer, rating, title] of DEMO_HISTORY)
    await finishTask(who, agent, question, answer, { rating, title });
  // The crowd's tasks, three at a time (each is one short CLI process).
  for (let i = 0; i < crowdHires.length; i += 3) {
    await Promise.all(
      crowdHires
        .slice(i, i + 3)
        .map(([who, agent, rating]) =>
          finishTask(
            who,
            agent,
            `A demo task for ${agent}`,
            'Done.',
            rating ? { rating, title: rating >= 4 ? 'Worked well' : 'It was fine' } : undefined,
          ),
        ),
    );
  }
  // MCP tool servers: the calculator is private to Ada with a grant for Grace, the docs are public.
  const tools: [keyof typeof toolServers, string, boolean, number][] = [
    ['calculator', 'Calculator', false, 1],
    ['docstore', 'Handbook', true, 0],
    ['slow', 'Slow tools', true, 0],
  ];
  for (const [key, name, isPublic, priceCredits] of tools) {
    const url = toolServers[key];
    if (!url) continue;
    const d = await must(
      gatewayUrl,
      'mutation($i: RegisterToolServerInput!) { registerToolServer(input: $i) { id } }',
      { i: { url, name, public: isPublic, priceCredits } },
      session.ada.token,
    );
    if (!isPublic) {
      await must(
        gatewayUrl,
        'mutation($s: ID!, $u: ID!) { grantToolAccess(serverId: $s, userId: $u) { id } }',
        { s: d.registerToolServer.id, u: session.grace.id },
        session.ada.token,
      );
    }
  }
  await must(
    gatewayUrl,
    'mutation($u: ID!) { grantCredits(userId: $u, amount: 500, reason: "Demo top-up") { balance } }',
    { u: session.grace.id },
    session.admin.token,
  );
  log(
    `demo data loaded: ${Object.keys(DEMO_USERS).length + crowd.length} users, ${REGISTERED.length + catalogue.length} agents, ${DEMO_HISTORY.length + crowdHires.length} finished tasks, with reviews`,
  );
  return true;
}
