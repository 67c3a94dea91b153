/** Quick notes, kept in the patient's partition (`NOTE#<id>`), newest first. */
import type { NoteRecord, NoteRepository, PartyRef } from '../../use-cases/conversations/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { tableName } from './client.js';
import { putItem } from './conditional-writes.js';
import { writeAnswered } from './idempotency-store.js';
import { keys } from './keys.js';
import { queryPage } from './query.js';

export class DynamoNoteRepository implements NoteRepository {
  async addNote(practiceId: string, note: NoteRecord, answer?: unknown): Promise<void> {
    await writeAnswered([putItem({ ...keys.note(practiceId, note.patientId, note.id), type: 'Note', ...note }, 'attribute_not_exists(pk)')], answer);
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
