import { describe, expect, it } from 'vitest';
import { effectiveChat } from '../../lambdas/domain/chat-settings.js';

const practice = { directMessaging: true, communityChat: true };

describe('Domain: effective chat settings', () => {
  it("the patient's own setting wins over groups and the practice", () => {
    const r = effectiveChat({ directMessaging: true, communityChat: false }, [{ directMessaging: false }], practice);
    expect(r.directMessaging).toEqual({ value: true, source: 'patient' });
    expect(r.communityChat).toEqual({ value: false, source: 'patient' });
  });

  it('without one, the most restrictive of their groups applies', () => {
    const r = effectiveChat(null, [{ directMessaging: true }, { directMessaging: false }, {}], practice);
    expect(r.directMessaging).toEqual({ value: false, source: 'group' });
    expect(r.communityChat).toEqual({ value: true, source: 'practice' });
  });

  it('otherwise the practice default', () => {
    const r = effectiveChat(undefined, [], { directMessaging: false, communityChat: true });
    expect(r.directMessaging).toEqual({ value: false, source: 'practice' });
  });
});
