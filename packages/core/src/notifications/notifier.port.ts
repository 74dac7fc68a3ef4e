/** What the engine tells a service's owners (spec 004 FR-9: drift detected → notify via webhook). */
export type OwnerNotificationType =
  'recommendation.drift_detected' | 'recommendation.regenerated' | 'recommendation.expired';

export interface OwnerNotification {
  /** Unique per event; receivers deduplicate retries by it (it is the webhook id). */
  readonly id: string;
  readonly type: OwnerNotificationType;
  readonly serviceId: string;
  /** Owning team (`services.team`), used to pick the destination. */
  readonly team?: string;
  readonly occurredAt: Date;
  /** Event-specific, JSON-safe details (detectors that agreed, old and new targets...). */
  readonly data: Readonly<Record<string, unknown>>;
}

export type NotificationOutcome =
  | { readonly kind: 'delivered'; readonly attempts: number; readonly status: number }
  | {
      readonly kind: 'failed';
      readonly attempts: number;
      /** Why the last attempt failed, and whether retrying later could help. */
      readonly reason:
        | 'http_error'
        | 'timeout'
        | 'connection_failed'
        | 'forbidden_destination'
        | 'redirect_refused';
      readonly retryable: boolean;
      readonly detail: string;
    }
  /** No destination is configured for the team (nor a default): nothing was sent. */
  | { readonly kind: 'skipped'; readonly reason: 'no_destination' };

/**
 * Delivers owner notifications. The production adapter posts signed webhooks with retries;
 * tests use an in-memory recorder. Never throws for delivery problems: it answers an outcome.
 */
export abstract class Notifier {
  abstract notify(notification: OwnerNotification): Promise<NotificationOutcome>;
}
