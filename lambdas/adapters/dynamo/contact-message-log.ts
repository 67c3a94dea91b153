/**
 * The messages sent to a contact: a pointer per message in the contact's partition
 * (`MSG#<at>#<messageId>`), read newest first with one Query and the messages with one
 * BatchGetItem. A message deleted since is left out.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactMessage, ContactMessageLog } from '../../use-cases/contacts/ports.js';
import { batchGetAll, dynamo, tableName } from './client.js';
import { messageFrom } from './conversation-items.js';
import { keys } from './keys.js';

export class DynamoContactMessageLog implements ContactMessageLog {
  async record(practiceId: string, contactId: string, m: { messageId: string; conversationId: string; at: string }): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.contactMessage(practiceId, contactId, m.at, m.messageId), type: 'ContactMessage', contactId, ...m },
      }),
    );
  }

  async newestBefore(practiceId: string, contactId: string, before: readonly [string, string] | undefined, limit: number): Promise<ContactMessage[]> {
    const upper = before ? keys.contactMessage(practiceId, contactId, before[0], before[1]).sk : 'MSG#\uffff';
    // BETWEEN is inclusive: one more than asked, and the cursor's own message dropped.
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': keys.contactPk(practiceId, contactId), ':lo': 'MSG#', ':hi': upper },
        ScanIndexForward: false,
        Limit: limit + 1,
      }),
    );
    const pointers = (out.Items ?? [])
      .filter((p) => p['sk'] !== upper)
      .slice(0, limit);
    const messages = await batchGetAll(pointers.map((p) => keys.message(practiceId, p['conversationId'] as string, p['messageId'] as string)));
    const byId = new Map(messages.map((m) => [m['id'] as string, m]));
    return pointers.flatMap((p) => {
      const item = byId.get(p['messageId'] as string);
      if (!item) return [];
      const { id: messageId, conversationId, channel, direction, body } = messageFrom(item, []);
      return [{ messageId, conversationId, channel, direction, body, at: p['at'] as string }];
    });
  }
}
