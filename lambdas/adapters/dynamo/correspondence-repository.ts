/**
 * A patient's correspondence: pointers in the patient's partition (`CORR#<messageId>`) to their
 * messages across conversations, newest first, and the hiding of them (and of staff inbox
 * entries) by blocks with hideExisting.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CorrespondencePointer, CorrespondenceRepository, MessageRecord } from '../../use-cases/conversations/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { batchGetAll, dynamo, tableName } from './client.js';
import { statesOf, withDeliveries, type Item } from './conversation-items.js';
import { keys } from './keys.js';
import { queryAll, queryPage } from './query.js';

export class DynamoCorrespondenceRepository implements CorrespondenceRepository {
  async correspondence(
    practiceId: string,
    patientId: string,
    page: PageRequest & { includeHidden?: boolean },
  ): Promise<Page<MessageRecord>> {
    const pk = keys.patientPk(practiceId, patientId);
    const { items: pointers, nextCursor } = await queryPage(
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'CORR#' },
        ...(page.includeHidden ? {} : { FilterExpression: 'attribute_not_exists(hiddenBy)' }),
        ScanIndexForward: false,
      },
      page,
      { attribute: 'pk', value: pk },
    );
    const messageItems = await batchGetAll(
      pointers.map((p) => keys.message(practiceId, p['conversationId'] as string, p['messageId'] as string)),
    );
    const byId = new Map(messageItems.map((m) => [m['id'] as string, m]));
    const ordered = pointers.map((p) => byId.get(p['messageId'] as string)).filter((m): m is Item => m !== undefined);
    return { items: await withDeliveries(practiceId, ordered), nextCursor };
  }

  async correspondencePointers(practiceId: string, patientId: string): Promise<CorrespondencePointer[]> {
    const items = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.patientPk(practiceId, patientId), ':prefix': 'CORR#' },
    });
    return items.map((i) => ({
      messageId: i['messageId'] as string,
      conversationId: i['conversationId'] as string,
      channel: i['channel'] as CorrespondencePointer['channel'],
    }));
  }

  async setHiddenBy(
    practiceId: string,
    patientId: string,
    pointers: readonly CorrespondencePointer[],
    blockId: string,
    hide: boolean,
  ): Promise<void> {
    const op = hide ? 'ADD' : 'DELETE';
    // State items also move their version on, so a send that read them before cannot overwrite the mark.
    const mark = (Key: Record<string, unknown>, isState = false) =>
      dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: isState ? `${op} hiddenBy :b SET version = if_not_exists(version, :zero) + :one` : `${op} hiddenBy :b`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':b': new Set([blockId]), ...(isState ? { ':zero': 0, ':one': 1 } : {}) },
        }),
      ).catch((e: Error) => {
        if (e.name !== 'ConditionalCheckFailedException') throw e; // deleted meanwhile: nothing to mark
      });
    for (const p of pointers) await mark(keys.correspondence(practiceId, patientId, p.messageId));
    for (const conversationId of new Set(pointers.map((p) => p.conversationId))) {
      for (const state of await statesOf(practiceId, conversationId)) {
        // Staff inboxes only: the blocked person's own view is not the practice's concern here.
        if (state.party.type !== 'staff') continue;
        await mark(keys.participantState(practiceId, conversationId, state.party.type, state.party.id), true);
      }
    }
  }
}
