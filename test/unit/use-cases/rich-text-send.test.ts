import { beforeEach, describe, expect, it } from 'vitest';
import type { Party } from '../../../lambdas/domain/conversation-policy.js';
import { reply, startConversation, type ConversationRecord } from '../../../lambdas/use-cases/conversations/index.js';
import { caller } from '../helpers.js';
import { violations } from '../../fixtures/xss-cases.js';
import { T0, conversationFakes, type Fakes, refusal } from './fakes.js';

const patient = (id: string) => ({ type: 'patient' as const, id });
const RICH = '<p onclick="steal()">Your <b>results</b> are <a href="https://clinic.example/r">here</a>.</p><script>alert(1)</script><img src=x onerror=alert(1)>';
const CLEAN = '<p>Your <b>results</b> are <a href="https://clinic.example/r" rel="noopener noreferrer" target="_blank">here</a>.</p>';
const TEXT = 'Your results are here (https://clinic.example/r).';

const pat: Party = { type: 'patient', id: 'pat', name: 'Patient pat', role: 'patient' };
const receptionist: Party = { type: 'staff', id: 'receptionist-me', name: 'receptionist', role: 'receptionist' };
const conversation = (over: Partial<ConversationRecord> = {}): ConversationRecord => ({
  id: 'conv-1',
  kind: 'direct',
  channel: 'email',
  subject: 'Results',
  participants: [receptionist, pat],
  createdBy: { type: 'staff', id: 'receptionist-me' },
  createdAt: T0,
  lastMessageAt: T0,
  lastDirection: 'outbound',
  ...over,
});

let f: Fakes;
beforeEach(() => {
  f = conversationFakes();
  f.directory.addPatient('pat');
  f.directory.addStaff('receptionist', 'receptionist-me');
  f.setNow(new Date(Date.parse(T0) + 60_000).toISOString());
});

describe('Rich text through start and reply (use cases on in-memory ports)', () => {
  it('start with bodyFormat html writes the sanitised markup and its text, and answers with both', async () => {
    const out = await startConversation(f.deps, caller('receptionist'), { channel: 'email', subject: 'Results', participants: [patient('pat')], body: RICH, bodyFormat: 'html' });

    const written = f.conversations.sent[0]!.message;
    expect(written.html).toBe(CLEAN);
    expect(written.body).toBe(TEXT);
    expect(violations(written.html!)).toEqual([]);
    expect(out.message).toMatchObject({ bodyFormat: 'html', html: CLEAN, body: TEXT });
  });

  it('a text body stays as written, even when it looks like markup: no html, bodyFormat text', async () => {
    const body = '<b>this is not markup</b> and stays as typed';
    const out = await startConversation(f.deps, caller('receptionist'), { channel: 'email', subject: 'Results', participants: [patient('pat')], body });
    const written = f.conversations.sent[0]!.message;
    expect(written.body).toBe(body);
    expect(written).not.toHaveProperty('html');
    expect(out.message.bodyFormat).toBe('text');
    expect(out.message).not.toHaveProperty('html');
  });

  it('start refuses HTML that sanitises to nothing (400 validation_failed) and writes nothing', async () => {
    const e = await refusal(
      startConversation(f.deps, caller('receptionist'), { channel: 'email', subject: 'Results', participants: [patient('pat')], body: '<img src=x onerror=alert(1)><script>alert(2)</script>', bodyFormat: 'html' }),
    );
    expect(e.kind).toBe('validation_failed');
    expect(f.conversations.sent).toHaveLength(0);
  });

  it('the 10-character minimum of email counts the text, not the markup', async () => {
    const e = await refusal(
      startConversation(f.deps, caller('receptionist'), { channel: 'email', subject: 'Results', participants: [patient('pat')], body: '<p><b><i><u>Hi there</u></i></b></p>', bodyFormat: 'html' }),
    );
    expect(e.kind).toBe('validation_failed');
    expect(e.errors?.[0]?.message).toMatch(/at least 10/);
    expect(f.conversations.sent).toHaveLength(0);
  });

  it('SMS takes html too: the message keeps both, and only the text is ever sent on a text channel', async () => {
    await startConversation(f.deps, caller('receptionist'), { channel: 'sms', participants: [patient('pat')], body: '<p>See you at <b>3pm</b></p>', bodyFormat: 'html' });
    expect(f.conversations.sent[0]!.message).toMatchObject({ body: 'See you at 3pm', html: '<p>See you at <b>3pm</b></p>' });
  });

  it('reply with bodyFormat html writes the sanitised markup and its text', async () => {
    f.conversations.seed(conversation());
    const out = await reply(f.deps, caller('receptionist'), 'conv-1', { body: RICH, bodyFormat: 'html' });
    expect(f.conversations.sent[0]!.message).toMatchObject({ html: CLEAN, body: TEXT });
    expect(out).toMatchObject({ bodyFormat: 'html', html: CLEAN, body: TEXT });
  });

  it('reply refuses HTML without text and writes nothing', async () => {
    f.conversations.seed(conversation());
    const e = await refusal(reply(f.deps, caller('receptionist'), 'conv-1', { body: '<svg onload=alert(1)><text>x</text></svg>', bodyFormat: 'html' }));
    expect(e.kind).toBe('validation_failed');
    expect(f.conversations.sent).toHaveLength(0);
  });
});
