import { OptionalField } from '@dss/common';
import { IsInt, Max, Min } from 'class-validator';

/** Most events in one page of `POST /v1/log/events`. */
export const MAX_OWN_EVENTS = 100;
export const DEFAULT_OWN_EVENTS = 20;

/** `POST /v1/log/events` (sealed, docs/AUDIT-LOG.md §5.1): one page of the caller's own events. */
export class OwnEventsDto {
  /** Only events older than this log index (the previous page's `next`); absent: the newest. */
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(MAX_OWN_EVENTS)
  limit?: number;
}

/** One audit event as its owner reads it, with the leaf bytes the log commits to. */
export interface OwnEvent {
  logIndex: number;
  at: string;
  actorType: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  /** base64 of the leaf bytes (docs/AUDIT-LOG.md §2): check it with an inclusion proof. */
  leaf: string;
}

export interface OwnEventsPage {
  events: OwnEvent[];
  /** `before` for the next (older) page, or null at the first event. */
  next: number | null;
}
