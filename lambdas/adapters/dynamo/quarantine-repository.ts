/**
 * Quarantined inbound messages: one item each in the practice's quarantine partition (sort key
 * `Q#<receivedAt>#<id>`: a date range is a key condition), and on gsi1 under their block (the
 * `blockId` filter is a Query of its own). The item is put in one transaction with the claim of
 * its provider id, so a retried webhook quarantines nothing twice. KMS-encrypted like the table.
 */
import type { Page } from '../../use-cases/page.js';
import type { QuarantineQuery, QuarantineRecord, QuarantineRepository } from '../../use-cases/inbound/ports.js';
import { tableName } from './client.js';
import { claimedTransact, inboundClaim } from './inbound-store.js';
import { keys } from './keys.js';
import { queryIndexPage, queryPage } from './query.js';

const recordFrom = (item: Record<string, unknown>): QuarantineRecord => ({
  id: item['id'] as string,
  blockId: item['blockId'] as string,
  channel: item['channel'] as QuarantineRecord['channel'],
  from: item['from'] as string,
  receivedAt: item['receivedAt'] as string,
  body: (item['body'] as string | undefined) ?? '',
  attachments: (item['attachments'] as QuarantineRecord['attachments'] | undefined) ?? [],
  provider: item['provider'] as QuarantineRecord['provider'],
  providerMessageId: item['providerMessageId'] as string,
});

export class DynamoQuarantineRepository implements QuarantineRepository {
  async put(practiceId: string, r: QuarantineRecord): Promise<void> {
    await claimedTransact([
      inboundClaim(practiceId, r.provider, r.providerMessageId, r.receivedAt, { quarantineId: r.id }),
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.quarantine(practiceId, r.receivedAt, r.id),
            ...keys.quarantineByBlock(practiceId, r.blockId, r.receivedAt, r.id),
            type: 'Quarantine',
            ...r,
          },
        },
      },
    ]);
  }

  async list(practiceId: string, q: QuarantineQuery): Promise<Page<QuarantineRecord>> {
    const page = { limit: q.limit, cursor: q.cursor };
    // Newest first; `to` is inclusive (an instant, or a day's last millisecond).
    // Key values may not be empty: the lowest bound is a year 0 instant.
    const from = q.from ?? '0000';
    const to = `${q.to ?? '9999'}\uffff`;
    if (q.blockId) {
      const pk = keys.quarantineByBlock(practiceId, q.blockId, '', '').gsi1pk;
      const out = await queryIndexPage({ index: 'gsi1', pk, range: { from, to }, forward: false }, page);
      return { items: out.items.map(recordFrom), nextCursor: out.nextCursor };
    }
    const pk = keys.quarantinePk(practiceId);
    const out = await queryPage(
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': `Q#${from}`, ':to': `Q#${to}` },
        ScanIndexForward: false,
      },
      page,
      { attribute: 'pk', value: pk },
    );
    return { items: out.items.map(recordFrom), nextCursor: out.nextCursor };
  }
}
