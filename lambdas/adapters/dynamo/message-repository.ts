/** The messages of a conversation, with their deliveries (items: see conversation-items.ts). */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../use-cases/audit.js';
import type { ConversationRecord, MessageRecord, MessageRepository } from '../../use-cases/conversations/ports.js';
import { auditPut } from './audit-trail.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { dynamo, tableName } from './client.js';
import { withDeliveries } from './conversation-items.js';
import { keys } from './keys.js';
import { queryPage } from './query.js';

export class DynamoMessageRepository implements MessageRepository {
  async messages(practiceId: string, conversationId: string, page: PageRequest): Promise<Page<MessageRecord>> {
    const pk = keys.conversationPk(practiceId, conversationId);
    const { items, nextCursor } = await queryPage(
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'MSG#' },
        ScanIndexForward: true,
      },
      page,
      { attribute: 'pk', value: pk },
    );
    return { items: await withDeliveries(practiceId, items), nextCursor };
  }

  async message(practiceId: string, conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.message(practiceId, conversationId, messageId) }));
    if (!out.Item) return null;
    const [m] = await withDeliveries(practiceId, [out.Item]);
    return m ?? null;
  }

  /** The message, its deliveries and the patients' correspondence pointers to it, in one transaction. */
  async deleteMessage(practiceId: string, c: ConversationRecord, m: MessageRecord, audit: AuditEvent): Promise<void> {
    const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: tableName, Key: keys.message(practiceId, c.id, m.id) } },
          ...m.deliveries.map((_, i) => ({ Delete: { TableName: tableName, Key: keys.delivery(practiceId, c.id, m.id, i) } })),
          ...patientIds.map((pid) => ({ Delete: { TableName: tableName, Key: keys.correspondence(practiceId, pid, m.id) } })),
          auditPut(audit),
        ],
      }),
    );
  }
}
