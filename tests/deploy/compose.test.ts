import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '@agentry/devstack';

/** No Docker engine runs here, so docker-compose.yml is checked by reading it. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  });
  const supergraph = parse(readFileSync(path.join(REPO_ROOT, 'supergraph.docker.yaml'), 'utf8'));
  const names = Object.keys(supergraph.subgraphs);

  it('has postgres, neo4j, the gateway and one service per subgraph, named as in supergraph.docker.yaml', () => {
    assert.deepEqual(
      Object.keys(compose.services).sort(),
      ['gateway', 'neo4j', 'postgres', ...names].sort(),
    );
  });

  it('runs Neo4j 5 from the official image, with auth from .env, a health check and a volume', () => {
    const neo4j = compose.services.neo4j;
    assert.equal(neo4j.image, 'neo4j:5');
    const required = '${NEO4J_PASSWORD:?run npm run secrets > .env}';
    assert.equal(neo4j.environment.NEO4J_AUTH, `neo4j/${required}`, 'never auth off or a default');
    assert.ok(neo4j.volumes.includes('neo4jdata:/data'));
    assert.ok('neo4jdata' in compose.volumes);
    const check = neo4j.healthcheck.test.join(' ');
    assert.match(check, /cypher-shell -a bolt:\/\/127\.0\.0\.1:7687 -u neo4j/);
    assert.ok(check.includes('$${NEO4J_AUTH#neo4j/}'), 'the password is read in the container');
    assert.equal(neo4j.environment.NEO4J_server_memory_heap_max__size, '512m');
    assert.equal(neo4j.environment.NEO4J_dbms_usage__report_enabled, 'false');
    assert.equal(neo4j.ports, undefined, 'reachable on the compose network only');
    // What the knowledge subgraph will merge in: the same user and password, by service name.
    assert.deepEqual(compose['x-neo4j-env'], {
      NEO4J_URL: 'bolt://neo4j:7687',
      NEO4J_USER: 'neo4j',
      NEO4J_PASSWORD: required,
    });
    const secrets = spawnSync(
      process.execPath,
      ['-r', path.join(REPO_ROOT, 'scripts', 'register.js'), 'scripts/secrets.ts'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    assert.match(secrets.stdout, /^NEO4J_PASSWORD=[0-9a-f]{32}$/m, '`npm run secrets` makes it');
  });

  it('runs each subgraph on the port its routing URL names, with a health check and the database', () => {
    for (const name of names) {
      const svc = compose.services[name];
      const port = new URL(supergraph.subgraphs[name].routing_url).port;
      assert.equal(svc.environment.PORT, port, name);
      assert.match(svc.environment.DATABASE_URL, /@postgres:5432\//, name);
      assert.ok(svc.environment.GATEWAY_IDENTITY_PUBLIC_KEY, name);
      assert.ok(svc.command.join(' ').includes(`subgraphs/${name}/src/index.ts`), name);
      assert.ok(existsSync(path.join(REPO_ROOT, 'subgraphs', name, 'src', 'index.ts')), name);
      assert.ok(svc.healthcheck.test.join(' ').includes(`:${port}/ready`), name);
      assert.equal(svc.depends_on.postgres.condition, 'service_healthy', name);
    }
  });

  it('points the tasks subgraph at billing by service name', () => {
    const billing = new URL(supergraph.subgraphs.billing.routing_url);
    assert.equal(
      compose.services.tasks.environment.BILLING_URL,
      `${billing.protocol}//${billing.host}`,
    );
  });

  it('starts the gateway on the compose supergraph after every subgraph is healthy', () => {
    const gw = compose.services.gateway;
    assert.equal(gw.environment.SUPERGRAPH_PATH, '/app/supergraph.docker.graphql');
    assert.ok(existsSync(path.join(REPO_ROOT, 'supergraph.docker.graphql')));
    for (const name of names) assert.equal(gw.depends_on[name].condition, 'service_healthy');
    assert.deepEqual(gw.ports, ['4000:4000']);
    assert.ok(compose.services.postgres.healthcheck);
  });

  it('builds from the Dockerfile in production mode', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM node:20/m);
    assert.match(dockerfile, /NODE_ENV=production/);
    assert.match(dockerfile, /npm ci/);
    // The gateway image carries the built web client (a build stage with Vite, dist/ copied).
    assert.match(dockerfile, /npm run build:web/);
    assert.match(dockerfile, /COPY --from=web .*web-client\/dist/);
    for (const name of names)
      assert.equal(compose.services[name].environment.NODE_ENV, 'production');
  });
});
