/**
 * Delivery state for the dispatcher and the sweeper: conditional moves of the delivery item, its
 * lease in the sparse `leases` index (set while queued or sending, removed when it ends), and what
 * it sends.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type {
  AddressBarrier,
  AddressLookup,
  Claim,
  ClaimedDelivery,
  DeliveryEnd,
  DeliveryRef,
  DeliveryStore,
  MessageContent,
  OverdueDelivery,
  QueuedDelivery,
  Release,
} from '../../use-cases/delivery-ports.js';
import type { OutboundAttachment } from '../../use-cases/provider-ports.js';
import { batchGet } from './batch-io.js';
import { dynamo, tableName } from './client.js';
import { keys } from './keys.js';
import { DynamoSuppressionRepository } from './suppression-repository.js';
import { channelOfAddress, reasonOf } from './suppression-items.js';
import { ulid } from 'ulid';

const suppressions = new DynamoSuppressionRepository();

const deliveryKey = (d: DeliveryRef) => ({ pk: keys.conversationPk(d.practiceId, d.conversationId), sk: d.sk });
const lease = (d: DeliveryRef, due: string) => keys.deliveryLease(d.practiceId, d.conversationId, d.sk, due);

/** A conditional write: false when its condition did not hold. */
async function conditional(command: UpdateCommand): Promise<boolean> {
  try {
    await dynamo.send(command);
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

function claimedOf(item: Record<string, unknown>): ClaimedDelivery {
  const s = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const optional = (name: string) => (s(name) ? { [name]: s(name) } : {});
  return {
    practiceId: s('practiceId') as string,
    conversationId: s('conversationId') as string,
    messageId: s('messageId') as string,
    sk: s('sk') as string,
    channel: s('channel') as ClaimedDelivery['channel'],
    address: s('address') ?? null,
    purpose: s('purpose') === 'notification' ? 'notification' : 'message',
    ...optional('broadcastId'),
    ...optional('text'),
    ...optional('createdAt'),
    ...optional('throttledSince'),
  };
}

export class DynamoDeliveryStore implements DeliveryStore {
  async claim(d: DeliveryRef, at: string, leaseDue: string): Promise<Claim> {
    const l = lease(d, leaseDue);
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: deliveryKey(d),
          // The lease the delivery already has is kept (only one that has none gets one): moving it would rewrite its
          // `leases` index entry (a delete and a put, 2 units); the sweeper ends a `sending` one only once
          // `sendingAt` is a lease old, whatever its due time.
          UpdateExpression: 'SET #status = :sending, sendingAt = :at, leasePk = if_not_exists(leasePk, :lpk), leaseDue = if_not_exists(leaseDue, :due) ADD attempts :one',
          // Only what a provider sends: portal and call deliveries are never claimed.
          ConditionExpression: '#status = :queued AND #channel IN (:email, :sms, :whatsapp) AND attribute_exists(address)',
          ExpressionAttributeNames: { '#status': 'status', '#channel': 'channel' },
          ExpressionAttributeValues: {
            ':sending': 'sending', ':queued': 'queued', ':at': at, ':one': 1, ':lpk': l.leasePk, ':due': l.leaseDue,
            ':email': 'email', ':sms': 'sms', ':whatsapp': 'whatsapp',
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const item = out.Attributes ?? {};
      return { claimed: true, attempt: (item['attempts'] as number | undefined) ?? 1, delivery: claimedOf(item) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const old = error.Item as Record<string, { S?: string }> | undefined;
        return {
          claimed: false,
          status: old?.['status']?.S ?? 'deleted',
          ...(old?.['sendingAt']?.S ? { sendingSince: old['sendingAt'].S } : {}),
        };
      }
      throw error;
    }
  }

  async finish(d: DeliveryRef, outcome: DeliveryEnd, at: string, sendingSince?: string, tallyId?: string): Promise<boolean> {
    const sent = outcome.status === 'sent';
    const error = !sent && outcome.error ? outcome.error : undefined;
    const pmid = sent ? keys.providerMessage(d.practiceId, outcome.providerMessageId) : undefined;
    // false: deleted with its message meanwhile, or no longer this claim: nothing to record.
    return conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: deliveryKey(d),
        UpdateExpression: `${
          sent
            ? 'SET #status = :status, providerMessageId = :pmid, sentAt = :at, gsi3pk = :g3pk, gsi3sk = :g3sk'
            : `SET #status = :status, settledAt = :at${error ? ', #error = :error' : ''}`
        }${tallyId ? ', tally = :tally' : ''} REMOVE leasePk, leaseDue`,
        ConditionExpression: `#status = :sending${sendingSince ? ' AND sendingAt = :since' : ''}`,
        ExpressionAttributeNames: { '#status': 'status', ...(error ? { '#error': 'error' } : {}) },
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':sending': 'sending',
          ':at': at,
          ...(sendingSince ? { ':since': sendingSince } : {}),
          ...(sent && pmid ? { ':pmid': outcome.providerMessageId, ':g3pk': pmid.gsi3pk, ':g3sk': pmid.gsi3sk } : {}),
          ...(error ? { ':error': error } : {}),
          ...(tallyId ? { ':tally': tallyId } : {}),
        },
      }),
    );
  }

  async release(d: DeliveryRef, r: Release): Promise<void> {
    const l = lease(d, r.leaseDue);
    await conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: deliveryKey(d),
        UpdateExpression: `SET #status = :queued, lastError = :reason, leasePk = :lpk, leaseDue = :due${
          r.throttledAt ? ', throttledSince = if_not_exists(throttledSince, :throttledAt)' : ''
        } REMOVE sendingAt${r.countsAsAttempt ? '' : ' ADD attempts :minusOne'}`,
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'queued', ':sending': 'sending', ':reason': r.reason, ':lpk': l.leasePk, ':due': l.leaseDue,
          ...(r.throttledAt ? { ':throttledAt': r.throttledAt } : {}),
          ...(r.countsAsAttempt ? {} : { ':minusOne': -1 }),
        },
      }),
    );
  }

  async renewLease(d: DeliveryRef, leaseDue: string): Promise<boolean> {
    const l = lease(d, leaseDue);
    return conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: deliveryKey(d),
        UpdateExpression: 'SET leasePk = :lpk, leaseDue = :due',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'queued', ':lpk': l.leasePk, ':due': l.leaseDue },
      }),
    );
  }

  async overdue(now: string, limit: number): Promise<OverdueDelivery[]> {
    const found: OverdueDelivery[] = [];
    for (const shard of keys.leaseShards()) {
      if (found.length >= limit) break;
      const out = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'leases',
          KeyConditionExpression: 'leasePk = :p AND leaseDue < :now',
          ExpressionAttributeValues: { ':p': shard, ':now': now },
          Limit: limit - found.length,
        }),
      );
      for (const item of out.Items ?? []) {
        const status = item['status'];
        if (status !== 'queued' && status !== 'sending') continue;
        found.push({
          practiceId: item['practiceId'] as string,
          conversationId: item['conversationId'] as string,
          sk: item['sk'] as string,
          status,
          ...(typeof item['sendingAt'] === 'string' ? { sendingSince: item['sendingAt'] } : {}),
          ...(typeof item['broadcastId'] === 'string' ? { broadcastId: item['broadcastId'] } : {}),
        });
      }
    }
    return found;
  }

  async barriers(lookups: readonly AddressLookup[]): Promise<(AddressBarrier | null)[]> {
    if (lookups.length === 0) return [];
    const wanted = lookups.map((l) => ({ block: keys.blockedAddress(l.practiceId, l.type, l.value), suppression: keys.suppression(l.practiceId, l.type, l.value) }));
    const unique = new Map(wanted.flatMap((w) => [w.block, w.suppression]).map((k) => [`${k.pk}|${k.sk}`, k]));
    // 50 addresses per call (100 keys; unprocessed keys retried); only the keys are read. Eventually consistent, as the single-address read was.
    const found = new Set((await batchGet([...unique.values()], { projection: 'pk, sk' })).map((i) => `${i['pk'] as string}|${i['sk'] as string}`));
    return wanted.map((w) => (found.has(`${w.block.pk}|${w.block.sk}`) ? 'blocked' : found.has(`${w.suppression.pk}|${w.suppression.sk}`) ? 'suppressed' : null));
  }

  /**
   * A provider-side opt-out: the same write as a keyword opt-out (suppression-repository.ts), so the
   * address also gets its list entry (id, channel, gsi1) and an existing entry keeps its place in
   * the practice's list; a plain put here used to drop those fields.
   */
  async suppress(practiceId: string, type: 'email' | 'phone', value: string, reason: string, at: string): Promise<void> {
    await suppressions.suppress(practiceId, {
      id: ulid(Date.parse(at) || Date.now()),
      channel: channelOfAddress(type),
      addressType: type,
      address: value,
      reason: reasonOf(reason),
      at,
    });
  }

  async content(d: QueuedDelivery): Promise<MessageContent | null> {
    // Carried on the delivery (a broadcast's SMS or WhatsApp): nothing to read. A deleted message's deliveries go with it.
    if (d.text !== undefined && d.channel !== 'email') return { subject: null, body: d.text };
    // Only email has a subject: SMS and WhatsApp need the message alone.
    const [message, conversation] = await Promise.all([
      dynamo.send(new GetCommand({ TableName: tableName, Key: keys.message(d.practiceId, d.conversationId, d.messageId) })),
      d.channel === 'email'
        ? dynamo.send(new GetCommand({ TableName: tableName, Key: keys.conversation(d.practiceId, d.conversationId) }))
        : Promise.resolve({ Item: undefined }),
    ]);
    if (!message.Item) return null;
    const html = message.Item['html'] as string | undefined;
    const attachments = message.Item['attachments'] as OutboundAttachment[] | undefined;
    return {
      subject: (conversation.Item?.['subject'] as string | undefined) ?? null,
      body: message.Item['body'] as string,
      ...(html ? { html } : {}),
      ...(attachments?.length && attachments.every((a) => a.key) ? { attachments } : {}),
    };
  }
}
