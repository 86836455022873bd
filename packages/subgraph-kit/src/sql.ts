import { DataSource, type EntityManager } from 'typeorm';
import { decodeCursor, type CursorKey } from './pagination';

export { isUuid } from '@agentry/core';

/** A DataSource, or a manager whose transaction the caller already opened. */
export type Db = DataSource | EntityManager;

/** Runs `work` in the caller's open transaction if there is one, else in a new one. */
export function inTransaction<T>(db: Db, work: (m: EntityManager) => Promise<T>): Promise<T> {
  if (!(db instanceof DataSource) && db.queryRunner?.isTransactionActive) return work(db);
  return db.transaction(work);
}

/**
 * SQL for a timestamp column as a cursor position: microsecond UTC text, not a JS Date (Dates
 * keep only milliseconds, so rows written in the same millisecond would be skipped or repeated).
 */
export const timeKey = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export const TIME_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Decodes a cursor of a time-ordered list, or BAD_USER_INPUT (e.g. a cursor of another list). */
export const decodeTimeCursor = (after: string | undefined | null): CursorKey | null =>
  decodeCursor(after, 'timestamp');
