/**
 * Audit events in the practice's audit partition (`P#<p>#AUDIT`, `EVENT#<at>#<id>`): each put
 * once on `attribute_not_exists`, never updated or deleted, and written with no `ttl`, so
 * they last the life of the table (six years or more, HIPAA). docs/data-model.md "Retention".
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditTrail } from '../../use-cases/audit.js';
import { dynamo, tableName } from './client.js';
import { putItem, type TransactItem } from './conditional-writes.js';
import { keys } from './keys.js';

/** An event is written once: never over another. */
const NEW_ONLY = 'attribute_not_exists(pk)';

/** The item of one event: ids and field names only. */
export const auditItem = (e: AuditEvent): Record<string, unknown> => ({
  ...keys.auditEvent(e.practiceId, e.at, e.id),
  type: 'AuditEvent',
  ...e,
});

/** The Put of an event, for a repository that writes it in the same transaction as the change. */
export const auditPut = (e: AuditEvent): TransactItem => putItem(auditItem(e), NEW_ONLY);

export class DynamoAuditTrail implements AuditTrail {
  async record(event: AuditEvent): Promise<void> {
    // A single Put (not a one-item transaction: half the write cost), on the same condition.
    await dynamo.send(new PutCommand({ TableName: tableName, Item: auditItem(event), ConditionExpression: NEW_ONLY }));
  }
}
