import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../lambdas/domain/errors.js';
import type { Caller } from '../../../lambdas/domain/caller.js';
import { inboundSink, liftSuppression, listQuarantine } from '../../../lambdas/use-cases/inbound/index.js';
import { smsKeyword } from '../../../lambdas/use-cases/inbound/keywords.js';
import { RECEIPT_RANK } from '../../../lambdas/use-cases/inbound/receipts.js';
import { sentIdsOf } from '../../../lambdas/use-cases/inbound/threading.js';
import { InboundWorld, P, email, receipt, sentDelivery, sms } from './inbound-fakes.js';

const admin: Caller = { kind: 'staff', id: 'admin-1', practiceId: P, role: 'admin', permissions: [], name: 'Admin' } as Caller;

function world() {
  const w = new InboundWorld();
  w.addStaff('s1');
  w.addStaff('s2');
  w.addStaff('s3', { permissions: [] });
  w.addStaff('s4', { status: 'inactive' });
  return w;
}

describe('inbound messages are stored once per provider id', () => {
  it('a repeated provider id stores nothing new', async () => {
    const w = world();
    const sink = inboundSink(w.deps());
    const e = sms();
    expect(await sink.message(e)).toEqual({ stored: true });
    expect(await sink.message(e)).toEqual({ stored: false });
    expect(w.plans).toHaveLength(1);
  });

  it('concurrent retries of one message store it exactly once', async () => {
    const w = world();
    const sink = inboundSink(w.deps());
    const e = sms();
    const results = await Promise.all(Array.from({ length: 8 }, () => sink.message({ ...e })));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(w.plans).toHaveLength(1);
    expect(w.metricCount('inbound_duplicate')).toBe(7);
  });
});

describe('where an inbound message goes', () => {
  it('an unknown sender becomes a contact of category inbound, in a new conversation unread for staff with send_messages', async () => {
    const w = world();
    await inboundSink(w.deps()).message(sms({ from: '+12025550199' }));
    expect(w.contacts).toHaveLength(1);
    expect(w.contacts[0]).toMatchObject({ category: 'inbound', primaryPhone: '+12025550199', status: 'active' });
    const plan = w.plans[0]!;
    expect(plan.isNew).toBe(true);
    expect(plan.message.author).toEqual({ type: 'contact', id: w.contacts[0]!.id });
    expect(plan.conversation.participants.map((p) => `${p.type}:${p.id}`)).toEqual([`contact:${w.contacts[0]!.id}`, 'staff:s1', 'staff:s2']);
    expect(plan.conversation.lastDirection).toBe('inbound');
    expect(w.state(plan.conversation.id, { type: 'staff', id: 's1' })?.status).toBe('unread');
    expect(plan.correspondenceOf).toEqual([]);
  });

  it('concurrent messages from one unknown address make one contact', async () => {
    const w = world();
    const sink = inboundSink(w.deps());
    await Promise.all(Array.from({ length: 5 }, (_, i) => sink.message(sms({ from: '+12025550177', text: `message ${i}` }))));
    expect(w.contacts).toHaveLength(1);
    expect(new Set(w.plans.map((p) => p.message.author.id))).toEqual(new Set([w.contacts[0]!.id]));
    expect(w.plans).toHaveLength(5);
  });

  it("a known patient's message joins their latest conversation on that channel and revives archived states as unread", async () => {
    const w = world();
    w.addPatient('pat-1', 'phone', '+12025550101');
    const sink = inboundSink(w.deps());
    await sink.message(sms());
    const c = w.plans[0]!.conversation;
    expect(w.plans[0]!.correspondenceOf).toEqual(['pat-1']);
    const s1 = w.state(c.id, { type: 'staff', id: 's1' })!;
    w.states.set(`${c.id}|staff:s1`, { ...s1, status: 'read', archived: true });
    await sink.message(sms({ text: 'second' }));
    expect(w.plans[1]!.conversation.id).toBe(c.id);
    expect(w.plans[1]!.isNew).toBe(false);
    expect(w.state(c.id, { type: 'staff', id: 's1' })).toMatchObject({ status: 'unread', archived: false });
    expect(w.state(c.id, { type: 'patient', id: 'pat-1' })?.status).toBe('replied');
    expect(w.contacts).toHaveLength(0);
  });

  it('threads email by Reply-To token, then In-Reply-To, then the sender\'s latest, else starts one', async () => {
    const w = world();
    w.addPatient('pat-1', 'email', 'pat@example.com');
    const sink = inboundSink(w.deps());
    await sink.message(email());
    const first = w.plans[0]!.conversation.id;
    await sink.message(email({ subject: 'Other' }));
    expect(w.plans[1]!.conversation.id).toBe(first);

    // A second conversation with the patient on email: the token or our SES id names it.
    const second = 'CONV2';
    w.conversations.set(second, { ...w.plans[0]!.conversation, id: second, lastMessageAt: '2026-01-01T00:00:00.000Z' });
    w.replyTokens.set('tok2', second);
    await sink.message(email({ replyToken: 'tok2' }));
    expect(w.plans[2]!.conversation.id).toBe(second);

    w.sentIn.set('0100018c-ses-id', second);
    await sink.message(email({ inReplyTo: ['<0100018c-ses-id@email.amazonses.com>'] }));
    expect(w.plans[3]!.conversation.id).toBe(second);
  });

  it("a token naming someone else's conversation does not put the message there", async () => {
    const w = world();
    w.addPatient('pat-1', 'email', 'pat@example.com');
    w.addPatient('pat-2', 'email', 'other@example.com');
    const sink = inboundSink(w.deps());
    await sink.message(email());
    const theirs = w.plans[0]!.conversation.id;
    w.replyTokens.set('tok', theirs);
    await sink.message(email({ from: 'other@example.com', replyToken: 'tok' }));
    expect(w.plans[1]!.conversation.id).not.toBe(theirs);
    expect(w.plans[1]!.isNew).toBe(true);
  });

  it('SES Message-IDs are matched by their id part', () => {
    expect(sentIdsOf(['<abc-123@email.amazonses.com>'])).toEqual(['abc-123@email.amazonses.com', 'abc-123']);
  });
});

describe('quarantine', () => {
  it('a blocked sender\'s message goes to quarantine and the stats, never to an inbox', async () => {
    const w = world();
    w.blocks.push({ blockId: 'blk-1', type: 'phone', value: '+12025550101' });
    let loaded = 0;
    const e = sms({ files: [{ fileName: 'x.jpg', contentType: 'image/jpeg', size: 10, load: async () => (loaded++, new Uint8Array(10)) }] });
    const sink = inboundSink(w.deps());
    expect(await sink.message(e)).toEqual({ stored: true });
    expect(await sink.message(e)).toEqual({ stored: false });
    expect(w.plans).toHaveLength(0);
    expect(w.contacts).toHaveLength(0);
    expect(w.quarantined).toHaveLength(1);
    expect(w.quarantined[0]).toMatchObject({ blockId: 'blk-1', channel: 'sms', from: '+12025550101', body: e.text, attachments: [{ fileName: 'x.jpg', contentType: 'image/jpeg', size: 10 }] });
    expect(w.quarantineCounts).toHaveLength(1);
    expect(loaded).toBe(0);
  });

  it('admins list it; others may not', async () => {
    const w = world();
    w.blocks.push({ blockId: 'blk-1', type: 'email', value: 'pat@example.com' });
    await inboundSink(w.deps()).message(email());
    const page = await listQuarantine(w.deps(), admin, { limit: 25, blockId: 'blk-1' });
    expect(page.items).toHaveLength(1);
    expect(Object.keys(page.items[0]!).sort()).toEqual(['attachments', 'blockId', 'body', 'channel', 'from', 'id', 'receivedAt']);
    const receptionist = { ...admin, role: 'receptionist', permissions: ['manage_contacts'] } as Caller;
    await expect(listQuarantine(w.deps(), receptionist, { limit: 25 })).rejects.toMatchObject({ kind: 'forbidden' });
  });
});

describe('SMS keywords', () => {
  it.each(['STOP', 'stop', 'Stop', ' StopAll ', 'unsubscribe', 'END', 'quit', 'Cancel', 'optout', 'REVOKE', 'stop.'])('%j opts out', (text) => {
    expect(smsKeyword(text)).toBe('opt_out');
  });
  it.each(['START', 'start', 'Unstop'])('%j opts in', (text) => expect(smsKeyword(text)).toBe('opt_in'));
  it.each(['stop it', 'please stop', 'STOP STOP', 'ſtop', 'started', ''])('%j is no keyword', (text) => expect(smsKeyword(text)).toBeNull());

  it('STOP suppresses the number (and is stored so staff see it); START lifts it', async () => {
    const w = world();
    const sink = inboundSink(w.deps());
    await sink.message(sms({ text: 'stop' }));
    expect(w.suppressions.get('phone:+12025550101')).toMatchObject({ reason: 'opt_out', channel: 'sms', address: '+12025550101' });
    expect(w.plans.map((p) => p.message.body)).toEqual(['stop']);
    await sink.message(sms({ text: 'START' }));
    expect(w.suppressions.size).toBe(0);
  });

  it('START does not lift a bounce suppression, and a bounce does not overwrite an opt-out', async () => {
    const w = world();
    const deps = w.deps();
    await deps.suppressions.suppress(P, { id: 'sup-1', channel: 'sms', addressType: 'phone', address: '+12025550101', reason: 'bounce', at: 'x' });
    await inboundSink(deps).message(sms({ text: 'start' }));
    expect(w.suppressions.get('phone:+12025550101')?.reason).toBe('bounce');
    await inboundSink(deps).message(sms({ text: 'STOP' }));
    await deps.suppressions.suppress(P, { id: 'sup-2', channel: 'sms', addressType: 'phone', address: '+12025550101', reason: 'bounce', at: 'y' });
    expect(w.suppressions.get('phone:+12025550101')?.reason).toBe('opt_out');
  });

  it('an admin lifts a bounce but not an opt-out (409 opt_out_by_recipient)', async () => {
    const w = world();
    const deps = w.deps();
    await deps.suppressions.suppress(P, { id: 'sup-1', channel: 'email', addressType: 'email', address: 'a@example.com', reason: 'bounce', at: 'x' });
    await liftSuppression(deps, admin, 'sup-1');
    expect(w.suppressions.size).toBe(0);
    await inboundSink(deps).message(sms({ text: 'STOP' }));
    const id = w.suppressions.get('phone:+12025550101')!.id;
    const error = await liftSuppression(deps, admin, id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('opt_out_by_recipient');
    expect(w.suppressions.size).toBe(1);
    await expect(liftSuppression(deps, admin, 'nope')).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('inbound text', () => {
  it('control characters and bidirectional overrides are removed; an over-long body is shortened', async () => {
    const w = world();
    await inboundSink(w.deps()).message(sms({ text: 'a\u0000b\u202Ec\nd\te' }));
    expect(w.plans[0]!.message.body).toBe('abc\nd\te');
    await inboundSink(w.deps()).message(sms({ text: 'x'.repeat(60_000) }));
    expect(w.plans[1]!.message.body).toBe(`${'x'.repeat(50_000)}\n[message shortened]`);
  });
});

describe('inbound files', () => {
  it('dropped files (no intake, too large, refused) are noted in the body, never named', async () => {
    const w = world();
    const big = { fileName: 'secret-name.pdf', contentType: 'application/pdf', size: 11 * 1024 * 1024, load: async () => new Uint8Array(1) };
    const ok = { fileName: 'scan.pdf', contentType: 'application/pdf', load: async () => new Uint8Array(5) };
    const refused = { fileName: 'evil.exe', contentType: 'application/x-msdownload', load: async () => new Uint8Array(5) };
    const marked: string[] = [];
    const deps = w.deps({
      ingestFile: async (f) => (f.contentType === 'application/pdf' ? { id: 'att-1', fileName: f.fileName, contentType: f.contentType, size: f.bytes.byteLength, key: 'k' } : null),
      markAttached: async (_p, ids, c, m) => void marked.push(`${ids.join(',')}@${c}#${m}`),
    });
    await inboundSink(deps).message(email({ text: 'see attached', files: [big, ok, refused] }));
    const m = w.plans[0]!.message;
    expect(m.attachments.map((a) => a.id)).toEqual(['att-1']);
    expect(m.body).toBe('see attached\n\n[2 attachments could not be accepted (over 10 MB or a refused type)]');
    expect(m.body).not.toContain('secret-name');
    expect(marked).toEqual([`att-1@${m.conversationId}#${m.id}`]);
  });
});

describe('delivery receipts move a delivery forward only', () => {
  const orders: string[][] = [
    ['sent', 'delivered', 'read'],
    ['read', 'delivered', 'sent'],
    ['delivered', 'read', 'sent'],
    ['failed', 'delivered'],
    ['delivered', 'failed'],
    ['read', 'failed', 'delivered'],
  ];
  it.each(orders)('arrival order %j ends at the highest rank', async (...statuses) => {
    const w = world();
    sentDelivery(w);
    const sink = inboundSink(w.deps());
    for (const status of statuses) await sink.receipt(receipt({ status: status as 'sent' }));
    const best = statuses.reduce((a, b) => (RECEIPT_RANK[b as 'sent'] > RECEIPT_RANK[a as 'sent'] ? b : a));
    expect(w.deliveries[0]!.status).toBe(best);
  });

  it('counts delivered, ignores unknown ids and receipts without a practice', async () => {
    const w = world();
    sentDelivery(w);
    const sink = inboundSink(w.deps());
    await sink.receipt(receipt({ providerMessageId: 'nope' }));
    const { practiceId: _p, ...noPractice } = receipt();
    await sink.receipt(noPractice);
    expect(w.deliveries[0]!.status).toBe('sent');
    await sink.receipt(receipt());
    await sink.receipt(receipt());
    expect(w.metricCount('delivered')).toBe(1);
    expect(w.metricCount('receipt_unmatched')).toBe(1);
    expect(w.metricCount('receipt_no_practice')).toBe(1);
  });

  it('broadcast counts follow: sent → delivered → read moves one count; a late failure none', async () => {
    const w = world();
    sentDelivery(w, { broadcastId: 'b1' });
    const sink = inboundSink(w.deps());
    await sink.receipt(receipt({ status: 'delivered' }));
    await sink.receipt(receipt({ status: 'read' }));
    await sink.receipt(receipt({ status: 'failed' }));
    expect(w.broadcastChanges).toEqual([{ broadcastId: 'b1', change: { sent: -1, delivered: 1 } }]);
  });

  it('a permanent bounce and a complaint suppress the address; a transient bounce does not', async () => {
    const w = world();
    sentDelivery(w, { channel: 'email', address: 'a@example.com', providerMessageId: 'ses-1' });
    sentDelivery(w, { channel: 'email', address: 'b@example.com', providerMessageId: 'ses-2' });
    sentDelivery(w, { channel: 'email', address: 'c@example.com', providerMessageId: 'ses-3' });
    const sink = inboundSink(w.deps());
    await sink.receipt(receipt({ channel: 'email', provider: 'ses', providerMessageId: 'ses-1', status: 'bounced', permanent: false, recipients: ['a@example.com'] }));
    await sink.receipt(receipt({ channel: 'email', provider: 'ses', providerMessageId: 'ses-2', status: 'bounced', permanent: true, recipients: ['B@example.com'] }));
    await sink.receipt(receipt({ channel: 'email', provider: 'ses', providerMessageId: 'ses-3', status: 'complained' }));
    expect([...w.suppressions.values()].map((s) => `${s.address}:${s.reason}`).sort()).toEqual(['b@example.com:bounce', 'c@example.com:complaint']);
    expect(w.deliveries.map((d) => d.status)).toEqual(['bounced', 'bounced', 'sent']);
  });
});
