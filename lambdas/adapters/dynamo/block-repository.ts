/**
 * Blocks in the single table. The active block of an address is one item keyed by the address
 * (`P#<p>#BLOCK#<type>#<value>`): the block check is a GetItem, or a BatchGetItem for many. The
 * record by id (`BLOCKREF#<id>`) outlives an unblock, with its append-only history beside it.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  AlreadyBlocked,
  type ActiveBlock,
  type AddressType,
  type BlockEvent,
  type BlockListQuery,
  type BlockRecord,
  type BlockRepository,
  type SlotCount,
} from '../../use-cases/blocks/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { dynamo, tableName } from './client.js';
import { activeBlocksAmong } from './active-blocks.js';
import { putItem, transact, writtenIfUnchanged } from './conditional-writes.js';
import { searchText } from './finder-items.js';
import { keys } from './keys.js';
import { Filter, queryAll, queryIndexPage, queryPrefixPage } from './query.js';

type Item = Record<string, unknown>;

/** A block record from its item (also from a stream image, once unmarshalled). */
export const blockFrom = (i: Item): BlockRecord => ({
  id: i['id'] as string,
  type: i['addressType'] as AddressType,
  value: i['value'] as string,
  reason: (i['reason'] as string | undefined) ?? null,
  hideExisting: i['hideExisting'] === true,
  patient: (i['patient'] as BlockRecord['patient'] | undefined) ?? null,
  contact: (i['contact'] as BlockRecord['contact'] | undefined) ?? null,
  blockedBy: i['blockedBy'] as BlockRecord['blockedBy'],
  blockedAt: i['blockedAt'] as string,
  updatedAt: i['updatedAt'] as string,
  status: i['status'] as BlockRecord['status'],
  unblockedAt: (i['unblockedAt'] as string | undefined) ?? null,
  unblockedBy: (i['unblockedBy'] as BlockRecord['unblockedBy'] | undefined) ?? null,
});

function blockItem(practiceId: string, b: BlockRecord): Item {
  const sortKey = `${b.blockedAt}#${b.id}`;
  const active = b.status === 'active';
  const owner = b.patient
    ? keys.blocksOfPatientPk(practiceId, b.patient.id)
    : b.contact
      ? keys.blocksOfContactPk(practiceId, b.contact.id)
      : undefined;
  return {
    ...keys.block(practiceId, b.id),
    type: 'Block',
    practiceId,
    id: b.id,
    addressType: b.type,
    value: b.value,
    reason: b.reason ?? undefined,
    hideExisting: b.hideExisting,
    patient: b.patient ?? undefined,
    contact: b.contact ?? undefined,
    blockedBy: b.blockedBy,
    blockedAt: b.blockedAt,
    updatedAt: b.updatedAt,
    status: b.status,
    unblockedAt: b.unblockedAt ?? undefined,
    unblockedBy: b.unblockedBy ?? undefined,
    // What `q` searches: the address (its phone forms) and the linked patient's or contact's name.
    search: searchText({
      name: b.patient?.name ?? b.contact?.name ?? '',
      email: b.type === 'email' ? b.value : null,
      phones: b.type === 'phone' ? [b.value] : [],
    }),
    // Only active blocks are listed; the record itself stays for history.
    ...(active ? { gsi1pk: keys.blocksByDatePk(practiceId), gsi1sk: sortKey } : {}),
    ...(active && owner ? { gsi2pk: owner, gsi2sk: sortKey } : {}),
  };
}

const eventItem = (practiceId: string, blockId: string, e: BlockEvent): Item => ({
  ...keys.blockEvent(practiceId, blockId, e.at, e.id),
  type: 'BlockEvent',
  blockId,
  ...e,
});

/**
 * The 15-minute UTC slot of an instant (`2026-11-30T17:15`): every time-zone offset is a whole
 * number of quarter hours, so the stats can put each slot on the practice's day at read time.
 */
const slotOf = (iso: string) => `${iso.slice(0, 14)}${String(Math.floor(Number(iso.slice(14, 16)) / 15) * 15).padStart(2, '0')}`;

const counter = (practiceId: string, at: string, field: 'blocked' | 'unblocked' | 'quarantined') => ({
  Update: {
    TableName: tableName,
    Key: keys.blockStats(practiceId, slotOf(at)),
    UpdateExpression: 'ADD #field :one SET #type = :type, #slot = :slot',
    ExpressionAttributeNames: { '#field': field, '#type': 'type', '#slot': 'slot' },
    ExpressionAttributeValues: { ':one': 1, ':type': 'BlockStats', ':slot': slotOf(at) },
  },
});

const conflicted = (error: unknown, index: number) =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

export class DynamoBlockRepository implements BlockRepository {
  async create(practiceId: string, block: BlockRecord, event: BlockEvent): Promise<void> {
    const addressKey = keys.blockedAddress(practiceId, block.type, block.value);
    const addressItem = { ...addressKey, type: 'BlockedAddress', blockId: block.id, addressType: block.type, value: block.value, hideExisting: block.hideExisting };
    try {
      await transact([
        putItem(addressItem, 'attribute_not_exists(pk)'),
        putItem(blockItem(practiceId, block), 'attribute_not_exists(pk)'),
        putItem(eventItem(practiceId, block.id, event)),
        counter(practiceId, block.blockedAt, 'blocked'),
      ]);
    } catch (error) {
      if (conflicted(error, 0)) {
        const existing = await dynamo.send(new GetCommand({ TableName: tableName, Key: addressKey, ConsistentRead: true }));
        throw new AlreadyBlocked((existing.Item?.['blockId'] as string | undefined) ?? '');
      }
      throw error;
    }
  }

  async get(practiceId: string, id: string): Promise<BlockRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.block(practiceId, id), ConsistentRead: true }));
    return out.Item ? blockFrom(out.Item) : null;
  }

  /** The block check (active-blocks.ts, which functions that only check compose alone). */
  activeAmong(practiceId: string, addresses: readonly { type: AddressType; value: string }[]): Promise<ActiveBlock[]> {
    return activeBlocksAmong(practiceId, addresses);
  }

  async update(practiceId: string, before: BlockRecord, after: BlockRecord, event: BlockEvent): Promise<boolean> {
    // Only the first two writes carry conditions: the block as read, the address still its own.
    return writtenIfUnchanged(
      transact([
        putItem(blockItem(practiceId, after), 'updatedAt = :seen AND #status = :active', { ':seen': before.updatedAt, ':active': 'active' }, { '#status': 'status' }),
        {
          Update: {
            TableName: tableName,
            Key: keys.blockedAddress(practiceId, after.type, after.value),
            UpdateExpression: 'SET hideExisting = :hide',
            ConditionExpression: 'blockId = :id',
            ExpressionAttributeValues: { ':hide': after.hideExisting, ':id': after.id },
          },
        },
        putItem(eventItem(practiceId, after.id, event)),
      ]),
    );
  }

  async unblock(practiceId: string, before: BlockRecord, after: BlockRecord, event: BlockEvent): Promise<boolean> {
    // Only the first two writes carry conditions: the address still this block's, the block as read.
    return writtenIfUnchanged(
      transact([
        {
          Delete: {
            TableName: tableName,
            Key: keys.blockedAddress(practiceId, before.type, before.value),
            ConditionExpression: 'blockId = :id',
            ExpressionAttributeValues: { ':id': before.id },
          },
        },
        putItem(blockItem(practiceId, after), 'updatedAt = :seen', { ':seen': before.updatedAt }),
        putItem(eventItem(practiceId, after.id, event)),
        counter(practiceId, after.unblockedAt as string, 'unblocked'),
      ]),
    );
  }

  async list(practiceId: string, q: BlockListQuery): Promise<Page<BlockRecord>> {
    const byOwner = q.patientId
      ? keys.blocksOfPatientPk(practiceId, q.patientId)
      : q.contactId
        ? keys.blocksOfContactPk(practiceId, q.contactId)
        : undefined;
    const result = await queryIndexPage(
      {
        index: byOwner ? 'gsi2' : 'gsi1',
        pk: byOwner ?? keys.blocksByDatePk(practiceId),
        // Bounds arrive as UTC instants (the use case normalises them); sort keys are `<blockedAt>#<id>`.
        range: q.blockedFrom || q.blockedTo ? { from: q.blockedFrom ?? '0000', to: `${q.blockedTo ?? '9999'}\uffff` } : undefined,
        filter: new Filter().equals('addressType', q.type || undefined).contains('search', q.q || undefined),
        forward: false,
      },
      q,
    );
    return { items: result.items.map(blockFrom), nextCursor: result.nextCursor };
  }

  async history(practiceId: string, id: string, page: PageRequest): Promise<Page<BlockEvent>> {
    const result = await queryPrefixPage(keys.blockPk(practiceId, id), 'EVENT#', page, { consistent: true });
    return {
      items: result.items.map((i) => ({
        id: i['id'] as string,
        action: i['action'] as BlockEvent['action'],
        by: i['by'] as BlockEvent['by'],
        at: i['at'] as string,
        changes: (i['changes'] as BlockEvent['changes'] | undefined) ?? {},
      })),
      nextCursor: result.nextCursor,
    };
  }

  async slotCounts(practiceId: string, from: string, to: string): Promise<SlotCount[]> {
    const items = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.blockStatsPk(practiceId), ':from': keys.blockStats(practiceId, slotOf(from)).sk, ':to': keys.blockStats(practiceId, slotOf(to)).sk },
    });
    return items.filter((i) => `${i['slot'] as string}:00.000Z` < to).map((i) => ({
      at: `${i['slot'] as string}:00.000Z`,
      blocked: (i['blocked'] as number | undefined) ?? 0,
      unblocked: (i['unblocked'] as number | undefined) ?? 0,
      quarantined: (i['quarantined'] as number | undefined) ?? 0,
    }));
  }

  async countQuarantined(practiceId: string, at: string): Promise<void> {
    await dynamo.send(new UpdateCommand(counter(practiceId, at, 'quarantined').Update));
  }
}
