import { z } from 'zod';
import { UUID_PATTERN, type SubgraphName } from '@agentry/core';

/**
 * The contract of Agentry's domain events: every topic, who produces it and the payload it
 * carries. Producers publish through `publishEvents` (typed by topic), consumers receive payloads
 * parsed by these schemas (an event that does not match is logged and skipped, never retried
 * forever), and test fixtures are built with `domainEvent`. docs/OPERATIONS.md's catalogue is
 * checked against this file by a test.
 *
 * Payloads may gain optional fields; a field is never removed or renamed, because the log keeps
 * events written by every earlier version (consumers replay them).
 */
const id = z.string().regex(UUID_PATTERN, 'must be a UUID').describe('uuid');
const role = z.enum(['USER', 'PUBLISHER', 'ADMIN']);
const taskState = z.enum([
  'SUBMITTED',
  'WORKING',
  'INPUT_REQUIRED',
  'AUTH_REQUIRED',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'REJECTED',
]);
const credits = z.number().int().nonnegative();
const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time')
  .describe('ISO time');

const userPayload = z.object({
  userId: id,
  name: z.string(),
  roles: z.array(role),
});

const agentPayload = z.object({
  agentId: id,
  providerId: id,
  slug: z.string(),
  name: z.string(),
  /** The agent's A2A endpoint (events written before it existed lack it). */
  url: z.string().optional(),
  priceCredits: credits,
  status: z.enum(['DRAFT', 'PUBLISHED', 'SUSPENDED']),
  category: z.string().optional(),
  /** Where its card is read; null for agents entered by hand. */
  cardUrl: z.string().nullable().optional(),
  available: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  skills: z
    .array(z.object({ id: z.string(), name: z.string(), tags: z.array(z.string()).optional() }))
    .optional(),
});

const reviewPayload = z.object({
  reviewId: id,
  agentId: id,
  authorId: id,
  rating: z.number().int().min(1).max(5),
});

/** Every topic: its producer, what it means, and its payload schema. */
export const EVENT_CATALOGUE = {
  'user.registered': {
    producer: 'users',
    description:
      'A user signed up (billing opens their wallet with the welcome grant; agents records the id, so tool grants name only users who exist).',
    payload: userPayload,
  },
  'user.updated': {
    producer: 'users',
    description: "A user's name or roles changed.",
    payload: userPayload,
  },
  'agent.created': {
    producer: 'agents',
    description: 'An agent was listed (by hand or from its A2A card).',
    payload: agentPayload,
  },
  'agent.updated': {
    producer: 'agents',
    description: "An agent's listing, status, price or card changed.",
    payload: agentPayload,
  },
  'tool_server.updated': {
    producer: 'agents',
    description:
      "An MCP tool server's listing, tools, prices or grants changed: the whole current snapshot.",
    payload: z.object({
      serverId: id,
      ownerId: id,
      name: z.string(),
      url: z.string(),
      public: z.boolean(),
      status: z.string(),
      tools: z.array(
        z.object({
          name: z.string(),
          inputSchema: z.record(z.string(), z.unknown()),
          priceCredits: credits,
        }),
      ),
      grants: z.array(z.object({ userId: id, tools: z.array(z.string()).nullable() })),
    }),
  },
  'task.state_changed': {
    producer: 'tasks',
    description:
      "A task's state changed (billing releases the hold of a task that did not complete).",
    payload: z.object({
      taskId: id,
      agentId: id,
      requesterId: id,
      state: taskState,
      sequence: z.number().int().positive(),
    }),
  },
  'task.completed': {
    producer: 'tasks',
    description: 'A task completed (billing captures its hold; reviews lets the requester review).',
    payload: z.object({
      taskId: id,
      agentId: id,
      requesterId: id,
      providerId: id,
      completedAt: isoTime,
      /**
       * The agent that delegated this task (a workflow step run on its behalf), when one did;
       * absent for tasks a user sent. The knowledge graph records it as DELEGATED_TO.
       */
      delegatedByAgentId: id.optional(),
    }),
  },
  'tool.call_settled': {
    producer: 'tasks',
    description:
      'A priced MCP tool call ended (billing captures the hold when charged, else releases it).',
    payload: z.object({
      invocationId: id,
      callerId: id,
      ownerId: id,
      serverId: id,
      toolName: z.string(),
      charged: z.boolean(),
    }),
  },
  'review.submitted': {
    producer: 'reviews',
    description: 'A review was written or replaced.',
    payload: reviewPayload,
  },
  'review.deleted': {
    producer: 'reviews',
    description: 'A review was deleted.',
    payload: reviewPayload,
  },
} as const satisfies Record<
  string,
  { producer: SubgraphName; description: string; payload: z.ZodType }
>;

export type Topic = keyof typeof EVENT_CATALOGUE;
export const TOPICS = Object.keys(EVENT_CATALOGUE) as Topic[];
export type PayloadOf<T extends Topic> = z.infer<(typeof EVENT_CATALOGUE)[T]['payload']>;
export type ProducerOf<T extends Topic> = (typeof EVENT_CATALOGUE)[T]['producer'];

/** An event about to be published: its topic, the aggregate it is about, its payload. */
export type DomainEvent<T extends Topic = Topic> = {
  [K in T]: { topic: K; key: string; payload: PayloadOf<K> };
}[T];

/** An event as stored in the log and handed to consumers, its payload parsed by its schema. */
export type StoredEvent<T extends Topic = Topic> = {
  [K in T]: {
    id: string;
    /**
     * The id of the transaction that wrote it (xid8, as a decimal string): with `id`, the event's
     * position in the log's commit-safe order `(txId, id)`, the order consumers apply events in.
     */
    txId: string;
    topic: K;
    key: string;
    payload: PayloadOf<K>;
    producer: string;
    createdAt: Date;
  };
}[T];

export const isTopic = (topic: string): topic is Topic => topic in EVENT_CATALOGUE;

/**
 * Parses a payload read from the log; returns the error message when it does not match its
 * topic's schema.
 */
export function parsePayload<T extends Topic>(
  topic: T,
  payload: unknown,
): { ok: true; payload: PayloadOf<T> } | { ok: false; error: string } {
  const result = EVENT_CATALOGUE[topic].payload.safeParse(payload);
  if (result.success) return { ok: true, payload: result.data as PayloadOf<T> };
  return {
    ok: false,
    error: result.error.issues
      .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
      .join('; '),
  };
}

/**
 * A checked event of `topic`, for producers and test fixtures alike: throws when the payload does
 * not match the catalogue, so a fixture can never drift from what producers send.
 */
export function domainEvent<T extends Topic>(
  topic: T,
  key: string,
  payload: PayloadOf<T>,
): DomainEvent<T> {
  const parsed = parsePayload(topic, payload);
  if (!parsed.ok) throw new Error(`invalid ${topic} payload: ${parsed.error}`);
  return { topic, key, payload: parsed.payload } as DomainEvent<T>;
}
