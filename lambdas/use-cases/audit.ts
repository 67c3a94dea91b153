/**
 * The audit trail: who deleted a conversation or a message, who changed a member of staff.
 * Append-only events kept for the life of the table (six years or more, HIPAA). An event names
 * the fields that changed, never their values: no PHI and no contact details in the trail.
 */
import { ulid } from 'ulid';
import type { Caller } from '../domain/caller.js';

export type AuditAction = 'conversation_deleted' | 'message_deleted' | 'staff_changed';

export interface AuditEvent {
  /** Unique, sortable (ULID): two events at the same instant never overwrite each other. */
  id: string;
  practiceId: string;
  actor: { type: 'staff' | 'patient'; id: string };
  action: AuditAction;
  /** A message is named with its conversation. */
  target: { type: 'conversation' | 'message' | 'staff'; id: string; conversationId?: string };
  /** `staff_changed` only: the names of the fields that changed. */
  changed?: string[];
  at: string;
}

/** Writes audit events; never updates or deletes one. */
export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
}

/** The event of `caller` doing `action` to `target` at `at`. */
export function auditEvent(
  caller: Caller,
  action: AuditAction,
  target: AuditEvent['target'],
  at: Date,
  changed?: readonly string[],
): AuditEvent {
  return {
    id: ulid(),
    practiceId: caller.practiceId,
    actor: { type: caller.kind, id: caller.id },
    action,
    target,
    ...(changed ? { changed: [...changed] } : {}),
    at: at.toISOString(),
  };
}

/** The names of `fields` whose values differ between `before` and `after` (compared as JSON). */
export function changedFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}
