/** Outbound messages go out from the practice's own channels: SMS from its first number, email with a Reply-To token address. */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, eventually, newPractice } from './api-client.js';
import { freshPhone } from './fixtures.js';
import { uniqueNumber } from './webhook-signing.js';

const outboxOf = async (channel: string, to: string) =>
  (await call('GET', `/dev/outbox?channel=${channel}&to=${encodeURIComponent(to)}`)).body as { from?: string; replyTo?: string }[];

describe("Outbound from the practice's channels", () => {
  it('an SMS goes from the first SMS number', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages']);
    const numbers = [uniqueNumber(), uniqueNumber()];
    const address = `replies-${ulid().toLowerCase()}@clinic.example.com`;
    expect((await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { smsNumbers: numbers, inboundEmailAddresses: [address] } })).status).toBe(200);
    const phone = freshPhone();
    const email = `patient-${ulid().toLowerCase()}@example.com`;
    const patient = await p.patient({ phone, email });

    await call('POST', '/v1/conversations', { token: staff.token, body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'Reminder' } });
    const sms = await eventually('the SMS in the outbox', () => outboxOf('sms', phone), (items) => items.length > 0);
    expect(sms[0]!.from).toBe(numbers[0]);

    // Email: Reply-To <local>+<token>@<domain> is pinned by the unit tests (test/unit/webhooks/outbound-origin.test.ts); the SES emulator's store does not keep Reply-To.
  });
});
