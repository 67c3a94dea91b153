/** Quick notes, kept in the patient's partition (`NOTE#<id>`), newest first. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NoteRecord, NoteRepository, PartyRef } from '../../use-cases/conversations/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { dynamo, tableName } from './client.js';
import { keys } from './keys.js';
import { queryPage } from './query.js';

export class DynamoNoteRepository implements NoteRepository {
  async addNote(practiceId: string, note: NoteRecord): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.note(practiceId, note.patientId, note.id), type: 'Note', ...note },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async notes(practiceId: string, patientId: string, page: PageRequest): Promise<Page<NoteRecord>> {
    const pk = keys.patientPk(practiceId, patientId);
    const { items, nextCursor } = await queryPage(
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'NOTE#' },
        ScanIndexForward: false,
      },
      page,
      { attribute: 'pk', value: pk },
    );
    return {
      items: items.map((i) => ({
        id: i['id'] as string,
        patientId: i['patientId'] as string,
        conversationId: i['conversationId'] as string,
        text: i['text'] as string,
        author: i['author'] as PartyRef,
        createdAt: i['createdAt'] as string,
      })),
      nextCursor,
    };
  }
}
