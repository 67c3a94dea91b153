/**
 * Open broadcast tallies of dispatcher batches (delivery-ports.ts TallyStore): one item per batch
 * and practice listing the batch's claimed broadcast deliveries, on the lease index's `TALLY`
 * partition while open; closed by one transaction that adds the counts to each broadcast and
 * deletes the tally (condition: still open), so a count is added once, by the batch or by the
 * sweeper. The broadcast is read to move its status on only when the count may have settled its
 * last queued deliveries (done when nothing is left queued).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { BroadcastCount, DeliveryRef, OpenTally, TallyStore } from '../../use-cases/delivery-ports.js';
import { batchGet } from './batch-io.js';
import { dynamo, tableName } from './client.js';
import { transact, type TransactItem } from './conditional-writes.js';
import { keys } from './keys.js';
import { messageIdOf } from '../../use-cases/broadcasts/recipient-ids.js';

const FINAL = new Set(['sent', 'delivered', 'read', 'failed', 'blocked', 'suppressed']);
/** A receipt may move a sent delivery on (delivered, read): it was counted as sent. */
const countedAs = (status: string): 'sent' | 'failed' | 'blocked' | 'suppressed' =>
  status === 'failed' || status === 'blocked' || status === 'suppressed' ? status : 'sent';

/** The sort key of a broadcast recipient's delivery: derived from its conversation id (broadcast-recipients.ts). */
const broadcastDeliverySk = (practiceId: string, conversationId: string) => keys.delivery(practiceId, conversationId, messageIdOf(conversationId), 0).sk;

export class DynamoTallyStore implements TallyStore {
  /** `advance` moves a broadcast's status on once its counts say so (DynamoBroadcastRepository.advanceAfterCount). */
  constructor(private readonly advance: (practiceId: string, broadcastId: string) => Promise<void>) {}

  async open(practiceId: string, tallyId: string, deliveries: readonly DeliveryRef[], leaseDue: string): Promise<void> {
    // A broadcast's delivery by its conversation id alone (its key derives from it), any other as `<conversationId> <sk>`:
    // ten of them keep the item (and its lease-index copy) under 1 KB, one unit each to write and to delete.
    const refs = deliveries.map((d) => (d.sk === broadcastDeliverySk(practiceId, d.conversationId) ? d.conversationId : `${d.conversationId} ${d.sk}`));
    // A new id per batch: a plain put (a transaction would cost twice the units).
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...keys.broadcastTally(practiceId, tallyId), type: 'BroadcastTally', practiceId, tallyId, refs, ...keys.tallyLease(leaseDue) } }));
  }

  async close(practiceId: string, tallyId: string, counts: readonly BroadcastCount[]): Promise<boolean> {
    let live = counts.filter((c) => Object.values(c.outcomes).some((n) => (n ?? 0) > 0));
    // First try: each add on condition that deliveries stay queued after it (the common case), so no read follows.
    // A broadcast whose condition fails may be settling its last ones: added again plainly, then read to move its status on.
    const plain = new Set<string>();
    for (let attempt = 0; attempt < 4; attempt++) {
      const items: TransactItem[] = [
        { Delete: { TableName: tableName, Key: keys.broadcastTally(practiceId, tallyId), ConditionExpression: 'attribute_exists(pk)' } },
        ...live.map((c) => addCounts(practiceId, c, !plain.has(c.broadcastId))),
      ];
      try {
        await transact(items);
        await Promise.all(live.filter((c) => plain.has(c.broadcastId)).map((c) => this.advance(practiceId, c.broadcastId)));
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false; // closed before: counted once already
        const failed = live.filter((_, i) => reasons[i + 1]?.Code === 'ConditionalCheckFailed');
        if (failed.length === 0) throw error;
        // Failed on the plain condition too: the broadcast no longer exists, nothing to count on it.
        const gone = new Set(failed.filter((c) => plain.has(c.broadcastId)).map((c) => c.broadcastId));
        for (const c of failed) plain.add(c.broadcastId);
        live = live.filter((c) => !gone.has(c.broadcastId));
      }
    }
    return false;
  }

  async overdue(now: string, limit: number): Promise<OpenTally[]> {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'leases',
        KeyConditionExpression: 'leasePk = :p AND leaseDue < :now',
        ExpressionAttributeValues: { ':p': keys.tallyLease(now).leasePk, ':now': now },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      practiceId: i['practiceId'] as string,
      tallyId: i['tallyId'] as string,
      deliveries: ((i['refs'] as string[] | undefined) ?? []).map((r) => {
        const practiceId = i['practiceId'] as string;
        const [conversationId = '', sk] = r.split(' ');
        return { practiceId, conversationId, sk: sk ?? broadcastDeliverySk(practiceId, conversationId) };
      }),
    }));
  }

  async finishedUnder(tally: OpenTally): Promise<BroadcastCount[]> {
    const items = await batchGet(
      tally.deliveries.map((d) => ({ pk: keys.conversationPk(d.practiceId, d.conversationId), sk: d.sk })),
      { consistent: true, projection: '#status, tally, broadcastId', names: { '#status': 'status' } },
    );
    const byBroadcast = new Map<string, BroadcastCount>();
    for (const i of items) {
      const status = i['status'] as string;
      if (i['tally'] !== tally.tallyId || !FINAL.has(status) || typeof i['broadcastId'] !== 'string') continue;
      const c = byBroadcast.get(i['broadcastId']) ?? { broadcastId: i['broadcastId'], outcomes: {} };
      c.outcomes[countedAs(status)] = (c.outcomes[countedAs(status)] ?? 0) + 1;
      byBroadcast.set(i['broadcastId'], c);
    }
    return [...byBroadcast.values()];
  }
}

/** `ADD counts.<outcome> :n, counts.queued :-total` on the broadcast (which must exist; with `notLast`, and keep deliveries queued). */
function addCounts(practiceId: string, c: BroadcastCount, notLast: boolean): TransactItem {
  const entries = Object.entries(c.outcomes).filter(([, n]) => (n ?? 0) > 0) as [string, number][];
  const total = entries.reduce((n, [, k]) => n + k, 0);
  const all: [string, number][] = [...entries, ['queued', -total]];
  return {
    Update: {
      TableName: tableName,
      Key: keys.broadcast(practiceId, c.broadcastId),
      UpdateExpression: `ADD ${all.map((_, i) => `counts.#c${i} :n${i}`).join(', ')}`,
      ConditionExpression: notLast ? 'attribute_exists(pk) AND counts.queued > :total' : 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(all.map(([k], i) => [`#c${i}`, k])),
      ExpressionAttributeValues: { ...Object.fromEntries(all.map(([, n], i) => [`:n${i}`, n])), ...(notLast ? { ':total': total } : {}) },
    },
  };
}
