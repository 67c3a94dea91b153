/**
 * Channel settings in the single table: the practice's settings item (`P#<p>#SETTINGS` /
 * `CHANNELS`, versioned) and one claim item per destination (`CHANNEL#<kind>#<value>` / `CLAIM`,
 * naming its practice). A PATCH is one TransactWriteItems: the settings on their version, each
 * new destination claimed unless another practice holds it, each removed one released.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo, tableName } from './client.js';
import { keys } from './keys.js';
import { putItem, transact, type TransactItem } from './conditional-writes.js';
import { noChannels, type ChannelClaim, type ChannelKind, type ChannelSettings, type ChannelSettingsStore } from '../../use-cases/channels/channel-ports.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export class DynamoChannelSettingsStore implements ChannelSettingsStore {
  async get(practiceId: string): Promise<ChannelSettings & { version: number }> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.channelSettings(practiceId) }));
    if (!out.Item) return { ...noChannels(), version: 0 };
    return {
      smsNumbers: strings(out.Item.smsNumbers),
      whatsappPhoneNumberIds: strings(out.Item.whatsappPhoneNumberIds),
      inboundEmailAddresses: strings(out.Item.inboundEmailAddresses),
      version: typeof out.Item.version === 'number' ? out.Item.version : 0,
    };
  }

  async replace(practiceId: string, version: number, next: ChannelSettings, claim: ChannelClaim[], release: ChannelClaim[], at: string) {
    const settings = putItem(
      { ...keys.channelSettings(practiceId), ...next, version: version + 1, updatedAt: at },
      version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      version === 0 ? undefined : { ':v': version },
    );
    const claims: TransactItem[] = claim.map((c) =>
      putItem({ ...keys.channelClaim(c.kind, c.value), practiceId, kind: c.kind, claimedAt: at }, 'attribute_not_exists(pk) OR practiceId = :p', { ':p': practiceId }),
    );
    const releases: TransactItem[] = release.map((c) => ({
      Delete: {
        TableName: tableName,
        Key: keys.channelClaim(c.kind, c.value),
        ConditionExpression: 'attribute_not_exists(pk) OR practiceId = :p',
        ExpressionAttributeValues: { ':p': practiceId },
      },
    }));
    try {
      await transact([settings, ...claims, ...releases]);
      return 'ok' as const;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
      const taken = claim.filter((_, i) => failed(i + 1));
      if (taken.length > 0) return { taken };
      if (failed(0)) return 'changed' as const;
      throw error;
    }
  }

  async holder(kind: ChannelKind, value: string): Promise<string | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.channelClaim(kind, value) }));
    return typeof out.Item?.practiceId === 'string' ? out.Item.practiceId : null;
  }
}
