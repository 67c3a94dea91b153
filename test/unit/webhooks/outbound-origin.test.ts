import { describe, expect, it } from 'vitest';
import { cachedOrigins, originFields } from '../../../lambdas/use-cases/channels/outbound-origin.js';
import { conversationForReplyToken, replyToAddress, replyTokenFor, splitReplyToken } from '../../../lambdas/domain/reply-token.js';
import { practiceForDestination } from '../../../lambdas/use-cases/channels/routing.js';

const settings = { smsNumbers: ['+15555550100', '+15555550102'], whatsappPhoneNumberIds: ['106540352242922'], inboundEmailAddresses: ['replies@clinic.example.com'], version: 3 };
const conversationId = '01JDQ7Z3K4M5N6P7Q8R9S0T1VW';

describe('outbound origin', () => {
  it("SMS from the practice's first number, WhatsApp from its first phone-number id, email with a Reply-To token address", async () => {
    const origin = await cachedOrigins({ get: async () => settings })('p');
    expect(originFields(origin, 'sms', conversationId)).toEqual({ from: '+15555550100' });
    expect(originFields(origin, 'whatsapp', conversationId)).toEqual({ from: '106540352242922' });
    expect(originFields(origin, 'email', conversationId)).toEqual({ replyTo: `replies+${conversationId.toLowerCase()}@clinic.example.com` });
    expect(originFields({}, 'sms', conversationId)).toEqual({});
  });

  it('reads the settings once per practice per minute', async () => {
    let reads = 0;
    let clock = 0;
    const origins = cachedOrigins({ get: async () => (reads++, settings) }, 60_000, () => clock);
    await origins('p');
    await origins('p');
    clock = 59_999;
    await origins('p');
    expect(reads).toBe(1);
    await origins('q');
    expect(reads).toBe(2);
    clock = 60_000;
    await origins('p');
    expect(reads).toBe(3);
  });
});

describe('reply tokens', () => {
  it('round-trip a conversation id through a lower-cased Reply-To address', () => {
    const address = replyToAddress('replies@clinic.example.com', conversationId);
    const split = splitReplyToken(address.toUpperCase());
    expect(split).toEqual({ address: 'replies@clinic.example.com', replyToken: conversationId.toLowerCase() });
    expect(conversationForReplyToken(split.replyToken!)).toBe(conversationId);
    expect(conversationForReplyToken('not-a-ulid')).toBeNull();
    expect(replyTokenFor('conv#1')).toBeNull();
    expect(splitReplyToken('plain@clinic.example.com')).toEqual({ address: 'plain@clinic.example.com' });
  });

  it('routing ignores the +token and returns it; other kinds are looked up as they are', async () => {
    const asked: string[] = [];
    const route = practiceForDestination({ holder: async (kind, value) => (asked.push(`${kind}:${value}`), value === 'replies@clinic.example.com' || value === '+15555550100' ? 'p-1' : null) });
    expect(await route('email', 'Replies+abc@Clinic.example.com')).toEqual({ practiceId: 'p-1', address: 'replies@clinic.example.com', replyToken: 'abc' });
    expect(await route('sms', '+15555550100')).toEqual({ practiceId: 'p-1', address: '+15555550100' });
    expect(await route('whatsapp', '1')).toBeNull();
    expect(asked).toEqual(['email:replies@clinic.example.com', 'sms:+15555550100', 'whatsapp:1']);
  });
});
