import { beforeEach, describe, expect, it } from 'vitest';
import { currentDefault, practiceDefaultFor, type ChatDefaultChange } from '../../../lambdas/domain/chat-default.js';
import { effectiveChat } from '../../../lambdas/domain/chat-settings.js';
import type { PatientFacts } from '../../../lambdas/domain/conversation-policy.js';
import { planDeliveries } from '../../../lambdas/use-cases/conversations/deliveries.js';
import { conversationFakes, type Fakes } from './fakes.js';

const practice = { directMessaging: true, communityChat: true };

describe('Domain: emailNotifications is a chat setting like the others', () => {
  it('on where nobody set it; the practice default, then the most restrictive group, then the patient’s own value', () => {
    expect(effectiveChat(null, [], practice).emailNotifications).toEqual({ value: true, source: 'practice' });
    expect(effectiveChat(null, [], { ...practice, emailNotifications: false }).emailNotifications).toEqual({ value: false, source: 'practice' });
    expect(effectiveChat(null, [{ emailNotifications: true }, { emailNotifications: false }], practice).emailNotifications).toEqual({ value: false, source: 'group' });
    const own = effectiveChat({ ...practice, emailNotifications: true }, [{ emailNotifications: false }], practice);
    expect(own.emailNotifications).toEqual({ value: true, source: 'patient' });
  });

  it("a patient's own chat without emailNotifications leaves that value to their groups", () => {
    const r = effectiveChat({ directMessaging: false, communityChat: true }, [{ emailNotifications: false, directMessaging: true }], practice);
    expect(r.directMessaging).toEqual({ value: false, source: 'patient' });
    expect(r.emailNotifications).toEqual({ value: false, source: 'group' });
  });

  it('a practice change without emailNotifications keeps the value in force before it', () => {
    const change = (at: string, applyTo: 'new' | 'all', emailNotifications?: boolean): ChatDefaultChange => ({
      ...practice,
      ...(emailNotifications !== undefined ? { emailNotifications } : {}),
      applyTo,
      at,
    });
    const history = [change('2026-02-01T00:00:00.000Z', 'all', false), change('2026-03-01T00:00:00.000Z', 'new')];
    expect(practiceDefaultFor(history, '2026-03-02T00:00:00.000Z').emailNotifications).toBe(false);
    expect(currentDefault(history).emailNotifications).toBe(false);
    expect(practiceDefaultFor([change('2026-02-01T00:00:00.000Z', 'new', false)], '2026-01-01T00:00:00.000Z').emailNotifications).toBeUndefined();
  });
});

describe('Notification emails of portal messages (planDeliveries on fakes)', () => {
  let f: Fakes;
  const patient = (over: Partial<PatientFacts> = {}): PatientFacts => ({
    id: 'pat',
    name: 'Patient pat',
    status: 'active',
    directMessaging: true,
    communityChat: true,
    email: 'pat@example.com',
    phone: null,
    whatsapp: null,
    ...over,
  });
  const author = { type: 'staff' as const, id: 'receptionist-me' };
  const notified = (ds: { purpose: string; recipient: { type: string; id: string } }[]) =>
    ds.filter((d) => d.purpose === 'notification').map((d) => `${d.recipient.type}:${d.recipient.id}`);

  beforeEach(() => {
    f = conversationFakes();
    f.directory.addStaff('receptionist', 'receptionist-me').email = 'me@practice.example';
    f.directory.addStaff('biller', 'biller-1').email = 'biller@practice.example';
    f.directory.addStaff('provider', 'provider-1').email = 'provider@practice.example';
    f.directory.addStaff('admin', 'admin-1'); // no email
  });

  it('staff recipients with an email are notified; the author and staff without an email are not', async () => {
    const { deliveries } = await planDeliveries(f.deps, 'p', 'portal', author, [patient()], ['receptionist-me', 'biller-1', 'provider-1', 'admin-1']);
    expect(notified(deliveries)).toEqual(['patient:pat', 'staff:biller-1', 'staff:provider-1']);
    expect(deliveries.find((d) => d.recipient.id === 'biller-1')).toEqual({
      recipient: { type: 'staff', id: 'biller-1' },
      channel: 'email',
      address: 'biller@practice.example',
      status: 'queued',
      purpose: 'notification',
    });
  });

  it("nobody whose emailNotifications is false, no inactive staff, and a blocked staff address is blocked with a warning", async () => {
    (await f.directory.getStaff('p', 'biller-1'))!.emailNotifications = false;
    (await f.directory.getStaff('p', 'provider-1'))!.status = 'inactive';
    f.directory.addStaff('biller', 'biller-2').email = 'blocked@practice.example';
    f.blocked.add('email:blocked@practice.example');
    const { deliveries, warnings } = await planDeliveries(f.deps, 'p', 'portal', author, [patient({ emailNotifications: false })], ['biller-1', 'provider-1', 'biller-2']);
    expect(notified(deliveries)).toEqual(['staff:biller-2']);
    expect(deliveries.find((d) => d.recipient.id === 'biller-2')?.status).toBe('blocked');
    expect(warnings).toEqual([{ code: 'recipient_blocked', recipient: { type: 'staff', id: 'biller-2' }, channel: 'email', address: 'blocked@practice.example' }]);
    expect(deliveries.filter((d) => d.recipient.id === 'pat')).toEqual([
      { recipient: { type: 'patient', id: 'pat' }, channel: 'portal', address: null, status: 'delivered', purpose: 'message' },
    ]);
  });

  it('only portal messages notify staff', async () => {
    const { deliveries } = await planDeliveries(f.deps, 'p', 'email', author, [patient()], ['biller-1']);
    expect(notified(deliveries)).toEqual([]);
    expect(deliveries).toHaveLength(1);
  });

  it('a patient author is not notified of their own message; the staff are', async () => {
    const { deliveries } = await planDeliveries(f.deps, 'p', 'portal', { type: 'patient', id: 'pat' }, [patient()], ['biller-1']);
    expect(notified(deliveries)).toEqual(['staff:biller-1']);
  });
});
