import { describe, expect, it } from 'vitest';
import {
  compactChanges,
  currentDefault,
  practiceDefaultFor,
  withChange,
  type ChatDefaultChange,
} from '../../lambdas/domain/chat-default.js';

const off = { directMessaging: false, communityChat: false };
const on = { directMessaging: true, communityChat: true };
const change = (at: string, applyTo: 'new' | 'all', v = off): ChatDefaultChange => ({ ...v, applyTo, at });

describe('Domain: practice chat default by patient creation time', () => {
  it('without any change every patient gets the built-in default (chat on)', () => {
    expect(practiceDefaultFor([], '2026-01-01T00:00:00.000Z')).toEqual(on);
  });

  it('a "new" change applies to patients created after it, not to those created before', () => {
    const changes = [change('2026-02-01T00:00:00.000Z', 'new')];
    expect(practiceDefaultFor(changes, '2026-01-15T00:00:00.000Z')).toEqual(on);
    expect(practiceDefaultFor(changes, '2026-02-02T00:00:00.000Z')).toEqual(off);
  });

  it('a patient created in the same instant as a "new" change gets it', () => {
    const changes = [change('2026-02-01T00:00:00.000Z', 'new')];
    expect(practiceDefaultFor(changes, '2026-02-01T00:00:00.000Z')).toEqual(off);
  });

  it('an "all" change applies to everyone, created before or after it', () => {
    const changes = [change('2026-02-01T00:00:00.000Z', 'all')];
    expect(practiceDefaultFor(changes, '2025-06-01T00:00:00.000Z')).toEqual(off);
    expect(practiceDefaultFor(changes, '2026-03-01T00:00:00.000Z')).toEqual(off);
  });

  it('the latest change that applies wins: a later "new" change leaves older patients on the earlier "all"', () => {
    const changes = [
      change('2026-02-01T00:00:00.000Z', 'all', off),
      change('2026-03-01T00:00:00.000Z', 'new', on),
    ];
    expect(practiceDefaultFor(changes, '2026-01-01T00:00:00.000Z')).toEqual(off);
    expect(practiceDefaultFor(changes, '2026-02-15T00:00:00.000Z')).toEqual(off);
    expect(practiceDefaultFor(changes, '2026-03-02T00:00:00.000Z')).toEqual(on);
  });

  it('a patient created between two "new" changes keeps the first one', () => {
    const changes = [
      change('2026-02-01T00:00:00.000Z', 'new', { directMessaging: false, communityChat: true }),
      change('2026-03-01T00:00:00.000Z', 'new', { directMessaging: true, communityChat: false }),
    ];
    expect(practiceDefaultFor(changes, '2026-01-01T00:00:00.000Z')).toEqual(on);
    expect(practiceDefaultFor(changes, '2026-02-10T00:00:00.000Z')).toEqual({ directMessaging: false, communityChat: true });
    expect(practiceDefaultFor(changes, '2026-03-10T00:00:00.000Z')).toEqual({ directMessaging: true, communityChat: false });
  });

  it('order of the stored history does not matter', () => {
    const a = change('2026-02-01T00:00:00.000Z', 'all', off);
    const b = change('2026-03-01T00:00:00.000Z', 'new', on);
    expect(practiceDefaultFor([b, a], '2026-02-15T00:00:00.000Z')).toEqual(off);
  });

  it('history before the last "all" change is dropped, and dropping it changes nobody\'s default', () => {
    const history = [
      change('2026-01-01T00:00:00.000Z', 'new', on),
      change('2026-02-01T00:00:00.000Z', 'new', off),
      change('2026-03-01T00:00:00.000Z', 'all', { directMessaging: false, communityChat: true }),
      change('2026-04-01T00:00:00.000Z', 'new', on),
    ];
    const compacted = compactChanges(history);
    expect(compacted.map((c) => c.at)).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    for (const createdAt of ['2025-12-01T00:00:00.000Z', '2026-01-15T00:00:00.000Z', '2026-02-15T00:00:00.000Z', '2026-03-15T00:00:00.000Z', '2026-04-15T00:00:00.000Z']) {
      expect(practiceDefaultFor(compacted, createdAt)).toEqual(practiceDefaultFor(history, createdAt));
    }
  });

  it('recording an "all" change leaves only that change; a "new" change is appended', () => {
    const first = withChange([], change('2026-01-01T00:00:00.000Z', 'new'));
    const second = withChange(first, change('2026-02-01T00:00:00.000Z', 'new', on));
    expect(second).toHaveLength(2);
    const third = withChange(second, change('2026-03-01T00:00:00.000Z', 'all'));
    expect(third).toEqual([change('2026-03-01T00:00:00.000Z', 'all')]);
  });

  it('the current default (what a patient created now gets) is the latest change, whatever its applyTo', () => {
    expect(currentDefault([])).toEqual(on);
    expect(currentDefault([change('2026-01-01T00:00:00.000Z', 'all', off), change('2026-02-01T00:00:00.000Z', 'new', on)])).toEqual(on);
  });
});
