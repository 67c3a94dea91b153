import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsSmsSender } from '../../../lambdas/adapters/providers/sns-sms.js';

const sns = mockClient(SNSClient);

describe("Provider: SNS SMS from the practice's own number", () => {
  beforeEach(() => sns.reset());

  it("publishes with OriginationNumber = OutboundMessage.from, over the configured default", async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const sender = new SnsSmsSender({ client: new SNSClient({ region: 'us-east-1' }), originationNumber: '+18885550100' });
    await sender.send({ deliveryId: 'd', practiceId: 'p', channel: 'sms', to: '+15555550123', text: 'hi', from: '+15555550100' });
    await sender.send({ deliveryId: 'd2', practiceId: 'p', channel: 'sms', to: '+15555550123', text: 'hi' });
    const calls = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.['AWS.MM.SMS.OriginationNumber']?.StringValue);
    expect(calls).toEqual(['+15555550100', '+18885550100']);
  });
});
