/**
 * A broadcast preview checks blocks by listing the practice's active blocks (not a block key per
 * address), through the HTTP API on the local runtime: a blocked phone and a blocked email are
 * left out as `blocked`, an unblocked address is reached again, and another practice's block of
 * the same address changes nothing here.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, newPractice } from './api-client.js';
import { freshPhone } from './fixtures.js';
import { useRuntimeEnvironment } from './in-process.js';

useRuntimeEnvironment();

const block = async (token: string, type: 'phone' | 'email', value: string) => {
  const res = await call('POST', '/v1/blocks', { token, body: { type, value } });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe('Broadcast preview: blocks listed', () => {
  it('leaves out actively blocked phones and emails, reaches an unblocked one, and ignores another practice’s blocks', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const other = await newPractice();
    const otherStaff = await other.staff('receptionist', ['send_messages', 'manage_contacts']);
    const tag = ulid().toLowerCase();
    const phones = { ok: freshPhone(), blocked: freshPhone(), unblocked: freshPhone(), blockedElsewhere: freshPhone() };
    const emails = { ok: `ok.${tag}@example.com`, blocked: `blocked.${tag}@example.com`, unblocked: `unblocked.${tag}@example.com`, blockedElsewhere: `elsewhere.${tag}@example.com` };
    const people = {
      ok: await p.patient({ phone: phones.ok, email: emails.ok }),
      blocked: await p.patient({ phone: phones.blocked, email: emails.blocked }),
      unblocked: await p.patient({ phone: phones.unblocked, email: emails.unblocked }),
      blockedElsewhere: await p.patient({ phone: phones.blockedElsewhere, email: emails.blockedElsewhere }),
    };
    await block(staff.token, 'phone', phones.blocked);
    await block(staff.token, 'email', emails.blocked);
    const lifted = [await block(staff.token, 'phone', phones.unblocked), await block(staff.token, 'email', emails.unblocked)];
    for (const id of lifted) expect((await call('DELETE', `/v1/blocks/${id}`, { token: staff.token })).status).toBe(204);
    await block(otherStaff.token, 'phone', phones.blockedElsewhere);
    await block(otherStaff.token, 'email', emails.blockedElsewhere);

    const audience = { patientIds: Object.values(people).map((x) => x.id) };
    for (const channel of ['sms', 'email'] as const) {
      const preview = await call('POST', '/v1/broadcasts/preview', { token: staff.token, body: { channel, audience } });
      expect(preview.status).toBe(200);
      expect(preview.body.recipients).toBe(3);
      expect(preview.body.excluded).toEqual({ blocked: 1, chatDisabled: 0, noAddress: 0, optedOut: 0, archived: 0 });
      expect(preview.body.unavailable).toEqual([{ type: 'patient', id: people.blocked.id, name: people.blocked.body.name, reason: 'blocked' }]);
    }
  });
});
