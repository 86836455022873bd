import type { DataSource } from 'typeorm';
import type { Logger } from '@agentry/core';
import { listen, type PgListener } from '@agentry/events';
import { TASK_EVENTS_CHANNEL } from '../task/task.store';
import {
  committedEventsAfter,
  lastCommittedPosition,
  type StreamEvent,
  type StreamPosition,
} from './task-event.store';

export const comparePositions = (a: StreamPosition, b: StreamPosition) =>
  a.txId === b.txId ? Number(a.position - b.position) : a.txId < b.txId ? -1 : 1;

/** Events read per query while catching up. */
const BATCH = 500;

type Listener = (event: StreamEvent) => void;

/**
 * One tail of the task events per process, shared by every subscription it serves. Woken by
 * NOTIFY (any replica's writes) and by a slow poll, it reads only events of transactions older
 * than the oldest still running, in (transaction, position) order, so it never skips an event
 * that commits late; it hands each event to the listeners synchronously and advances `head`,
 * which lets a new subscription replay up to `head` from the database and take the rest live
 * with no gap and no repeat.
 */
export class TaskEventStream {
  head: StreamPosition = { txId: 0n, position: 0n };
  private readonly listeners = new Set<Listener>();
  private listener?: PgListener;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly url: string,
    private readonly log: Logger,
    /** Safety-net poll when no notification arrives (default 1000 ms). */
    private readonly pollMs = 1000,
  ) {}

  async start() {
    this.head = (await lastCommittedPosition(this.db, this.head)) ?? this.head;
    // Reconnects by itself after PostgreSQL restarts, and catches up on what it missed.
    this.listener = await listen({
      url: this.url,
      channel: TASK_EVENTS_CHANNEL,
      applicationName: 'agentry-task-events',
      log: this.log,
      onNotification: () => void this.wake(),
      onReconnect: () => void this.wake(),
    });
    this.timer = setInterval(() => void this.wake(), this.pollMs);
    this.timer.unref();
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.listener?.stop();
  }

  /** Registers a listener for every event after `head`; returns how to unregister. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads what committed since `head` (one drain at a time; re-run when woken meanwhile). */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain()
      .catch((err) => {
        if (!this.stopped) this.log.error({ err }, 'task event stream failed; will retry');
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async drain() {
    do {
      this.again = false;
      for (;;) {
        if (!this.listeners.size) {
          // Nobody listens: jump to the end without reading rows nobody wants.
          await this.skipToEnd();
          break;
        }
        const events = await committedEventsAfter(this.db, this.head, BATCH);
        // Synchronously: head and dispatch move together, which subscriptions rely on.
        for (const event of events) {
          this.head = event.at;
          for (const l of this.listeners) {
            try {
              l(event);
            } catch (err) {
              this.log.error({ err }, 'task event listener failed');
            }
          }
        }
        if (events.length < BATCH) break;
      }
    } while (this.again && !this.stopped);
  }

  private async skipToEnd() {
    const end = await lastCommittedPosition(this.db, this.head);
    // Only if still nobody listens: a subscription that arrived meanwhile keeps its place.
    if (end && !this.listeners.size) this.head = end;
  }
}
