/**
 * Contract tests of the coalesced reads (adapters/dynamo/request-batch.ts): inside a request, reads
 * by key started together through different adapters are one BatchGetItem; outside, each is its own
 * call. And a reply's reads through the real adapters: the caller's conversation aside, two
 * BatchGetItem (patients, their group ids, settings, states; then the block check) and no Query.
 */
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

process.env.TABLE_NAME ??= 'unit';
const ddb = mockClient(DynamoDBDocumentClient);
const { getItems, getItem, prefetchItem, takePrefetched } = await import('../../../lambdas/adapters/dynamo/request-batch.js');
const { DynamoConversationRepository } = await import('../../../lambdas/adapters/dynamo/conversation-repository.js');
const { DynamoDirectoryReader } = await import('../../../lambdas/adapters/dynamo/directory-reader.js');
const { inRequestScope } = await import('../../../lambdas/request-scope.js');
const { DynamoDirectoryRepository } = await import('../../../lambdas/adapters/dynamo/directory-repository.js');
const { DynamoGroupRepository } = await import('../../../lambdas/adapters/dynamo/group-repository.js');
const { chatSettingsReader } = await import('../../../lambdas/use-cases/chat-settings.js');
const { keys } = await import('../../../lambdas/adapters/dynamo/keys.js');

const P = 'practice-1';
type Key = { pk: string; sk: string };
const batchKeys = () => ddb.commandCalls(BatchGetCommand).map((c) => Object.values(c.args[0].input.RequestItems ?? {})[0]?.Keys as Key[]);

/** Answers every BatchGetItem with the items of `table` whose keys were asked for. */
function serve(table: Record<string, unknown>[]) {
  ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[] }> }) => {
    const asked = Object.values(input.RequestItems)[0]?.Keys ?? [];
    const found = table.filter((i) => asked.some((k) => k.pk === i['pk'] && k.sk === i['sk']));
    return { Responses: { [Object.keys(input.RequestItems)[0] as string]: found } };
  });
}

beforeEach(() => {
  ddb.reset();
});

describe('Reads by key coalesced per request', () => {
  it('in a request, reads started together are one BatchGetItem, each key once, and each caller gets its own items', async () => {
    serve([{ pk: 'a', sk: '1', v: 1 }, { pk: 'b', sk: '1', v: 2 }]);
    const [one, two, three] = await inRequestScope(() =>
      Promise.all([getItems([{ pk: 'a', sk: '1' }, { pk: 'x', sk: '1' }]), getItem({ pk: 'b', sk: '1' }), getItems([{ pk: 'a', sk: '1' }])]),
    );
    expect(batchKeys()).toEqual([[{ pk: 'a', sk: '1' }, { pk: 'x', sk: '1' }, { pk: 'b', sk: '1' }]]);
    expect(one).toEqual([{ pk: 'a', sk: '1', v: 1 }]);
    expect(two).toEqual({ pk: 'b', sk: '1', v: 2 });
    expect(three).toEqual([{ pk: 'a', sk: '1', v: 1 }]);
  });

  it('a read started after the first batch left is the next batch', async () => {
    serve([{ pk: 'a', sk: '1' }]);
    ddb.on(GetCommand).resolves({ Item: { pk: 'c', sk: '1' } });
    const last = await inRequestScope(async () => {
      await getItems([{ pk: 'a', sk: '1' }, { pk: 'a', sk: '2' }]);
      await getItems([{ pk: 'b', sk: '1' }, { pk: 'b', sk: '2' }]);
      // Alone in its turn, one key is a GetItem.
      return getItem({ pk: 'c', sk: '1' });
    });
    expect(batchKeys()).toEqual([[{ pk: 'a', sk: '1' }, { pk: 'a', sk: '2' }], [{ pk: 'b', sk: '1' }, { pk: 'b', sk: '2' }]]);
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([{ pk: 'c', sk: '1' }]);
    expect(last).toEqual({ pk: 'c', sk: '1' });
  });

  it('outside a request nothing waits or joins: a GetItem for one key, a BatchGetItem per call', async () => {
    serve([]);
    ddb.on(GetCommand).resolves({});
    await Promise.all([getItem({ pk: 'a', sk: '1' }), getItems([{ pk: 'b', sk: '1' }]), getItems([{ pk: 'c', sk: '1' }])]);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(batchKeys()).toHaveLength(2);
  });

  it('a failed batch fails every read that joined it', async () => {
    ddb.on(BatchGetCommand).rejects(new Error('throttled'));
    const results = await inRequestScope(() => Promise.allSettled([getItems([{ pk: 'a', sk: '1' }]), getItem({ pk: 'b', sk: '1' })]));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});

describe('A prefetched read', () => {
  it('joins the batch of the reads started in its turn, serves the first read of its key once; a second read reads again', async () => {
    serve([{ pk: 'a', sk: '1', v: 1 }, { pk: 'b', sk: '1', v: 2 }]);
    await inRequestScope(async () => {
      prefetchItem({ pk: 'a', sk: '1' });
      expect(await getItem({ pk: 'b', sk: '1' })).toEqual({ pk: 'b', sk: '1', v: 2 });
      expect(await takePrefetched({ pk: 'a', sk: '1' })).toEqual({ pk: 'a', sk: '1', v: 1 });
      expect(takePrefetched({ pk: 'a', sk: '1' })).toBeUndefined();
    });
    expect(batchKeys()).toEqual([[{ pk: 'a', sk: '1' }, { pk: 'b', sk: '1' }]]);
  });

  it('a reply: the conversation prefetched with the caller’s staff record is one BatchGetItem; a retry reads the conversation again', async () => {
    serve([
      { ...keys.staff(P, 'staff-1'), type: 'Staff', id: 'staff-1', name: 'R', role: 'receptionist', permissions: [], status: 'active', createdAt: 'x', updatedAt: 'x' },
      { ...keys.conversation(P, 'c1'), type: 'Conversation', id: 'c1', kind: 'direct', channel: 'sms', subject: null, participants: [], lastMessageAt: 'x', lastDirection: 'outbound', createdAt: 'x', createdBy: { type: 'staff', id: 'staff-1' } },
    ]);
    ddb.on(GetCommand).resolves({ Item: { ...keys.conversation(P, 'c1'), type: 'Conversation', id: 'c1', kind: 'direct', channel: 'sms', subject: null, participants: [], lastMessageAt: 'x', lastDirection: 'outbound', createdAt: 'x', createdBy: { type: 'staff', id: 'staff-1' } } });
    const conversations = new DynamoConversationRepository();
    const reader = new DynamoDirectoryReader();
    await inRequestScope(async () => {
      conversations.prefetch(P, 'c1');
      expect((await reader.getStaff(P, 'staff-1'))?.id).toBe('staff-1');
      expect((await conversations.get(P, 'c1'))?.id).toBe('c1');
      expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
      expect((await conversations.get(P, 'c1'))?.id).toBe('c1');
    });
    expect(batchKeys()).toEqual([[keys.conversation(P, 'c1'), keys.staff(P, 'staff-1')]]);
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([keys.conversation(P, 'c1')]);
  });

  it('outside a request a prefetch does nothing (each read is its own call)', async () => {
    ddb.on(GetCommand).resolves({});
    prefetchItem({ pk: 'a', sk: '1' });
    expect(takePrefetched({ pk: 'a', sk: '1' })).toBeUndefined();
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });
});

describe('Group chat settings read by key (the GROUPS item beside the patient), never a Query', () => {
  const patient = (id: string, chat?: { directMessaging: boolean; communityChat: boolean; emailNotifications?: boolean }) => ({
    id, name: 'Pat', email: null, phone: '+12025550100', whatsapp: null, status: 'active' as const,
    chat: chat ?? null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  });

  it('patients, settings and group ids in one BatchGetItem; the groups\' chat in a second; the group chat applies', async () => {
    serve([
      { ...keys.patient(P, 'pat-1'), type: 'Patient', ...patient('pat-1') },
      { ...keys.patientGroups(P, 'pat-1'), groupIds: new Set(['g-1', 'g-2']) },
      { ...keys.group(P, 'g-1'), type: 'Group', id: 'g-1', name: 'Quiet', chat: { directMessaging: false }, memberCount: 1, createdAt: 'x', updatedAt: 'x' },
      { ...keys.group(P, 'g-2'), type: 'Group', id: 'g-2', name: 'Plain', memberCount: 1, createdAt: 'x', updatedAt: 'x' },
    ]);
    const directory = new DynamoDirectoryRepository();
    const chat = chatSettingsReader(new DynamoGroupRepository());
    const effective = await inRequestScope(async () => {
      const [patients, settings, groupIds] = await Promise.all([directory.getPatients(P, ['pat-1']), directory.getSettings(P), chat.groupIdsOf(P, ['pat-1'])]);
      expect(groupIds.get('pat-1')).toEqual(['g-1', 'g-2']);
      return chat.effectiveFor(P, patients, settings, groupIds);
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(batchKeys()).toEqual([
      [keys.patient(P, 'pat-1'), keys.settings(P), keys.patientGroups(P, 'pat-1')],
      [keys.group(P, 'g-1'), keys.group(P, 'g-2')],
    ]);
    expect(effective.get('pat-1')?.directMessaging).toEqual({ value: false, source: 'group' });
  });

  it('a patient whose own setting covers every value: no group is read', async () => {
    serve([{ ...keys.patientGroups(P, 'pat-1'), groupIds: new Set(['g-1']) }]);
    const chat = chatSettingsReader(new DynamoGroupRepository());
    const own = patient('pat-1', { directMessaging: true, communityChat: true, emailNotifications: true });
    const { defaultSettings } = await import('../../../lambdas/adapters/dynamo/directory-repository.js');
    const effective = await chat.effectiveFor(P, [own], defaultSettings);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
    expect(effective.get('pat-1')?.directMessaging.source).toBe('patient');
  });
});
