import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { serviceUnavailable, type Logger } from '@agentry/core';
import type { GraphSettings } from '../env';

/** Node labels of the knowledge graph (prefixed by KNOWLEDGE_GRAPH_PREFIX when it is set). */
export const NODE_LABELS = [
  'Agent',
  'Skill',
  'Tag',
  'Category',
  'User',
  'ToolServer',
  'Projection',
] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];

/** Relationship types of the knowledge graph (prefixed like the labels). */
export const RELATIONSHIP_TYPES = [
  'HAS_SKILL',
  'HAS_TAG',
  'IN_CATEGORY',
  'HIRED',
  'REVIEWED',
  'USES_TOOL',
  'DELEGATED_TO',
] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** Bolt failures that mean "the graph store cannot serve now", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.ClientError.Security.Unauthorized',
  'Neo.ClientError.Security.AuthenticationRateLimit',
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  'Neo.ClientError.Database.DatabaseNotFound',
]);

const WHAT = 'The knowledge graph';

/** True when an error says Neo4j is unreachable, refuses us, or a query ran out of time. */
export function isGraphUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return (
    typeof code === 'string' &&
    (UNAVAILABLE_CODES.has(code) || code.startsWith('Neo.TransientError.'))
  );
}

/**
 * Compiles a Cypher text written with the plain labels and relationship types above into the
 * one this subgraph runs, with KNOWLEDGE_GRAPH_PREFIX in front of each (`(a:Agent)`,
 * `[:HAS_SKILL|HAS_TAG]`). Only these names are ever spliced in, from configuration checked to be
 * `[A-Za-z0-9_]*`; every value a caller gives travels as a query parameter.
 */
export function compileCypher(text: string, prefix: string): string {
  if (!/^[A-Za-z0-9_]*$/.test(prefix)) throw new Error('invalid graph prefix');
  if (!prefix) return text;
  const names = [...NODE_LABELS, ...RELATIONSHIP_TYPES].join('|');
  return text.replace(new RegExp(`(?<=[:|])(${names})\\b`, 'g'), `${prefix}$1`);
}

export type Params = Record<string, unknown>;

/**
 * The one way to Neo4j: every read and write with a timeout (the driver's transaction config),
 * label names compiled once per text, values as parameters, connection failures answered as
 * SERVICE_UNAVAILABLE. Without a configured URL every call answers SERVICE_UNAVAILABLE.
 */
export class GraphClient {
  private readonly driver: Driver | null;
  private readonly compiled = new Map<string, string>();

  constructor(
    readonly settings: GraphSettings,
    private readonly log: Logger,
  ) {
    this.driver = settings.url
      ? neo4j.driver(settings.url, neo4j.auth.basic(settings.user, settings.password), {
          // Numbers come back as JS numbers: counts and degrees here stay far below 2^53.
          disableLosslessIntegers: true,
          // Fail fast when the store is gone: a field answers in about a second, not a minute.
          connectionTimeout: 2000,
          connectionAcquisitionTimeout: 3000,
          maxTransactionRetryTime: 1000,
          maxConnectionPoolSize: 50,
          // Deprecation and performance hints are for development, not the service's log.
          notificationFilter: { minimumSeverityLevel: 'OFF' },
        })
      : null;
  }

  /** Whether a graph store is configured at all. */
  get configured() {
    return this.driver !== null;
  }

  /** The label or type as stored (with the prefix). */
  name(label: NodeLabel | RelationshipType) {
    return `${this.settings.prefix}${label}`;
  }

  /** The text to run for `cypher`, compiled once. */
  cypher(text: string): string {
    let c = this.compiled.get(text);
    if (!c) {
      c = compileCypher(text, this.settings.prefix);
      this.compiled.set(text, c);
    }
    return c;
  }

  private requireDriver(): Driver {
    if (!this.driver) throw serviceUnavailable(WHAT);
    return this.driver;
  }

  /** One read query, as plain objects (one per record). */
  async read<T = Record<string, unknown>>(text: string, params: Params = {}): Promise<T[]> {
    const driver = this.requireDriver();
    try {
      const result = await driver.executeQuery(this.cypher(text), params, {
        routing: neo4j.routing.READ,
        transactionConfig: { timeout: this.settings.readTimeoutMs },
      });
      return result.records.map((r) => r.toObject() as T);
    } catch (err) {
      throw this.mapped(err);
    }
  }

  /** A unit of write work in one transaction (retried by the driver on transient failures). */
  async write<T>(work: (tx: GraphTx) => Promise<T>): Promise<T> {
    const driver = this.requireDriver();
    const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) => work(new GraphTx(tx, this)), {
        timeout: this.settings.writeTimeoutMs,
      });
    } catch (err) {
      throw this.mapped(err);
    } finally {
      await session.close();
    }
  }

  /** An auto-commit statement (schema changes, `CALL { } IN TRANSACTIONS`). */
  async run(text: string, params: Params = {}): Promise<void> {
    const driver = this.requireDriver();
    const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
    try {
      await session.run(this.cypher(text), params, { timeout: this.settings.writeTimeoutMs * 6 });
    } catch (err) {
      throw this.mapped(err);
    } finally {
      await session.close();
    }
  }

  private mapped(err: unknown): unknown {
    if (isGraphUnavailable(err)) {
      this.log.warn({ code: (err as { code?: string }).code }, 'knowledge graph unavailable');
      return serviceUnavailable(WHAT);
    }
    return err;
  }

  async close() {
    await this.driver?.close();
  }
}

/** A write transaction that compiles its texts like the client. */
export class GraphTx {
  constructor(
    private readonly tx: ManagedTransaction,
    private readonly client: GraphClient,
  ) {}

  async run<T = Record<string, unknown>>(text: string, params: Params = {}): Promise<T[]> {
    const result = await this.tx.run(this.client.cypher(text), params);
    return result.records.map((r) => r.toObject() as T);
  }
}

/** A Cypher integer parameter (plain JS numbers travel as floats, which LIMIT refuses). */
export const int = (n: number | string) => neo4j.int(n);
