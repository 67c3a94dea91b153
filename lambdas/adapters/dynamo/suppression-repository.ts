/**
 * Suppressed addresses (bounce, complaint, SMS opt-out). The item is the one the dispatcher's
 * barrier check reads (`keys.suppression`, with the block in one BatchGetItem); for the list it
 * also carries an id, the channel and gsi1 keys (`P#<p>#SUPPRESSIONS`, sort key the id, a ULID:
 * newest first, and a lookup by id is one Query). Addresses are PHI: answered, never logged.
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '../../use-cases/page.js';
import type {
  AddressType,
  SuppressionQuery,
  SuppressionReason,
  SuppressionRecord,
  SuppressionRepository,
} from '../../use-cases/inbound/ports.js';
import { dynamo, isConditionFailure, tableName } from './client.js';
import { keys } from './keys.js';
import { channelOfAddress, PROVIDER_OPT_OUT, reasonOf, searchAddress } from './suppression-items.js';
import { queryPage } from './query.js';

const recordFrom = (item: Record<string, unknown>): SuppressionRecord => ({
  id: (item['id'] as string | undefined) ?? '',
  channel: (item['channel'] as SuppressionRecord['channel'] | undefined) ?? channelOfAddress(item['addressType'] as AddressType),
  addressType: item['addressType'] as AddressType,
  address: item['value'] as string,
  reason: reasonOf(item['reason']),
  at: item['at'] as string,
});


export class DynamoSuppressionRepository implements SuppressionRepository {
  async suppress(practiceId: string, s: SuppressionRecord): Promise<void> {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.suppression(practiceId, s.addressType, s.address),
          UpdateExpression:
            'SET #type = :type, addressType = :addressType, #value = :value, reason = :reason, #at = :at, #channel = :channel, ' +
            'searchAddress = :search, gsi1pk = :g1pk, id = if_not_exists(id, :id), gsi1sk = if_not_exists(gsi1sk, :id)',
          // An opt-out stays an opt-out: a later bounce or complaint must not turn it into something an admin may lift.
          ConditionExpression: 'attribute_not_exists(reason) OR NOT (reason IN (:optOut, :providerOptOut)) OR :reason = :optOut',
          ExpressionAttributeNames: { '#type': 'type', '#value': 'value', '#at': 'at', '#channel': 'channel' },
          ExpressionAttributeValues: {
            ':type': 'Suppression',
            ':addressType': s.addressType,
            ':value': s.address,
            ':reason': s.reason,
            ':at': s.at,
            ':channel': s.channel,
            ':search': searchAddress(s.addressType, s.address),
            ':g1pk': keys.suppressionsPk(practiceId),
            ':id': s.id,
            ':optOut': 'opt_out',
            ':providerOptOut': PROVIDER_OPT_OUT,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(practiceId: string, type: AddressType, address: string): Promise<SuppressionRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.suppression(practiceId, type, address), ConsistentRead: true }));
    return out.Item ? recordFrom(out.Item) : null;
  }

  async byId(practiceId: string, id: string): Promise<SuppressionRecord | null> {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :id',
        ExpressionAttributeValues: { ':pk': keys.suppressionsPk(practiceId), ':id': id },
      }),
    );
    const item = out.Items?.[0];
    if (!item) return null;
    // The index is eventually consistent: the item itself says whether it is still there.
    return this.get(practiceId, item['addressType'] as AddressType, item['value'] as string).then((s) => (s && s.id === id ? s : null));
  }

  async lift(practiceId: string, s: SuppressionRecord, reasons: readonly SuppressionReason[]): Promise<boolean> {
    const stored = reasons.flatMap((r) => (r === 'opt_out' ? ['opt_out', PROVIDER_OPT_OUT] : [r]));
    const values = Object.fromEntries(stored.map((r, i) => [`:r${i}`, r]));
    try {
      await dynamo.send(
        new DeleteCommand({
          TableName: tableName,
          Key: keys.suppression(practiceId, s.addressType, s.address),
          ConditionExpression: `reason IN (${Object.keys(values).join(', ')})${s.id ? ' AND id = :id' : ''}`,
          ExpressionAttributeValues: { ...values, ...(s.id ? { ':id': s.id } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async list(practiceId: string, q: SuppressionQuery): Promise<Page<SuppressionRecord>> {
    const pk = keys.suppressionsPk(practiceId);
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk };
    if (q.channel) {
      filters.push('#channel = :channel');
      names['#channel'] = 'channel';
      values[':channel'] = q.channel;
    }
    if (q.q) {
      filters.push('begins_with(searchAddress, :q)');
      values[':q'] = q.q;
    }
    const out = await queryPage(
      {
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
      },
      { limit: q.limit, cursor: q.cursor },
      { attribute: 'gsi1pk', value: pk },
    );
    return { items: out.items.map(recordFrom), nextCursor: out.nextCursor };
  }
}
