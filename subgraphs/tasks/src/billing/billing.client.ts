import { AppError, ErrorCode, IDENTITY_HEADER, type Logger } from '@agentry/core';

/**
 * The synchronous half of paying for a task: a hold on the requester's wallet, placed by the
 * billing subgraph under the requester's own gateway-signed identity (so it can only ever touch
 * their wallet). Capture and release follow the task's events through the events log.
 */
export function createBillingClient(baseUrl: string, log: Logger) {
  async function call(path: string, identityToken: string, body?: unknown) {
    try {
      return await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identityToken },
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      log.error({ err, path }, 'billing unreachable');
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'Billing is unavailable; try again shortly.',
        { retryAfter: 5 },
      );
    }
  }

  return {
    /** `purpose` names the operation, whose API-key scope billing checks again. */
    async hold(
      identityToken: string,
      taskId: string,
      amount: number,
      purpose: 'task' | 'toolCall' = 'task',
    ): Promise<void> {
      const path = purpose === 'toolCall' ? '/internal/holds?for=toolCall' : '/internal/holds';
      const res = await call(path, identityToken, { taskId, amount });
      if (res.ok) return;
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (res.status === 402) {
        throw new AppError(
          ErrorCode.INSUFFICIENT_CREDITS,
          `This agent costs ${amount} credits and you have ${body.available ?? 'fewer'} available.`,
          { required: amount, available: body.available },
        );
      }
      if (res.status === 401)
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to hire an agent.');
      if (res.status === 403)
        throw new AppError(ErrorCode.FORBIDDEN, String(body.message ?? 'Not allowed.'));
      if (res.status >= 500) {
        // Billing answers but cannot work (its database is down, it is shutting down): an
        // outage the caller may retry, not a bug.
        log.warn({ status: res.status, body }, 'billing could not place a hold');
        throw new AppError(
          ErrorCode.SERVICE_UNAVAILABLE,
          'Billing is unavailable; try again shortly.',
          { retryAfter: 5 },
        );
      }
      log.error({ status: res.status, body }, 'billing refused a hold');
      throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Billing could not place the hold.');
    },
    /** Undoes a hold whose task could not be recorded; failures are left to billing's sweeper. */
    async release(identityToken: string, taskId: string): Promise<void> {
      const res = await call(`/internal/holds/${taskId}/release`, identityToken).catch(() => null);
      if (!res?.ok)
        log.warn({ taskId, status: res?.status }, 'hold not released; the orphan sweeper will');
    },
  };
}
export type BillingClient = ReturnType<typeof createBillingClient>;
