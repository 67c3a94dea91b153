/**
 * Busy conversations hold: replies into one conversation at once all succeed, or past the
 * bound (about 4 s of jittered retries) answer 429 conversation_busy with Retry-After; never
 * a 5xx, and every 201 is listed exactly once.
 */
import { describe, expect, it } from 'vitest';
import { call, newPractice } from './api-client.js';
import { messages, portal, pt, reply, st, started } from './conversation-helpers.js';

const community = { directMessaging: true, communityChat: true };

describe('Busy conversations hold', () => {
  it('30 parallel replies into one conversation: all 201 (or 429 with Retry-After), none 5xx, every 201 message listed once', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const patients = await Promise.all(Array.from({ length: 4 }, () => p.patient({ chat: community })));
    const { conversation } = await started(receptionist.token, portal([...patients.map(pt), st(provider)], { kind: 'community' }));
    await started(receptionist.token, portal(patients.map(pt), { kind: 'community' })); // another conversation, untouched
    const authors = [receptionist, provider, ...patients];

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => reply(authors[i % authors.length]!.token, conversation.id, `Busy thread reply number ${i}`)),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 429).map((a) => [a.status, a.body?.code, a.body?.detail, JSON.stringify(a.body?.errors)])).toEqual([]);
    for (const busy of answers.filter((a) => a.status === 429)) {
      expect(busy.body.code).toBe('conversation_busy');
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const created = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
    const all = await messages(receptionist.token, conversation.id);
    const listed = all.map((m) => m.id as string);
    // Activity follows the newest message, whatever order the replies committed in.
    const view = await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token });
    expect(view.body.lastMessageAt).toBe(all.map((m) => m.createdAt as string).sort().at(-1));
    for (const id of created) expect(listed.filter((l) => l === id)).toHaveLength(1);
    // Nothing half-written: exactly the first message and the 201s are there.
    expect(listed).toHaveLength(created.length + 1);
    console.log(`busy-conversation: ${created.length}/30 answered 201, ${statuses.filter((s) => s === 429).length} answered 429`);
    expect(created.length).toBeGreaterThanOrEqual(27);
  }, 120_000);
});
