/**
 * What a broadcast's audience resolution reads, in batches: groups (member counter, chat),
 * group members (paged Queries of the group partition), patients (with the ids of their groups,
 * kept on the patient item), contacts, and the blocks and suppressions of addresses (by key; a
 * preview lists the practice's active blocks instead when they are few).
 */
import type { PartialChatSettings } from '../../domain/chat-settings.js';
import type { AudienceDirectory, AudiencePatient } from '../../use-cases/broadcasts/ports.js';
import type { MemberRef } from '../../use-cases/contacts/ports.js';
import type { DirectoryRepository } from '../../use-cases/directory-ports.js';
import { batchGet } from './batch-io.js';
import { tableName } from './client.js';
import { contactFrom, setOf } from './contact-items.js';
import { patientFrom } from './directory-reader.js';
import { OPT_OUT_REASONS } from './suppression-items.js';
import { keys } from './keys.js';
import { queryPages, queryUpTo } from './query.js';

type Item = Record<string, unknown>;

/** Group members read per Query. */
const MEMBER_PAGE = 5_000;

/** What `patientFrom` (directory-reader.ts) and the resolution read of a patient item (and of the item listing its groups). */
const PATIENT_PROJECTION = 'pk, sk, #type, id, #name, email, phone, whatsapp, #status, chat, createdAt, updatedAt, groupIds';
const PATIENT_NAMES = { '#type': 'type', '#name': 'name', '#status': 'status' };

const audiencePatientFrom = (i: Item, groupIds: string[]): AudiencePatient => ({ ...patientFrom(i), groupIds });

/**
 * Every item of one gsi1 partition (paged Queries, only `projection`), made into `into`'s
 * answer; null as soon as more than `limit` items are seen (the caller reads by key instead).
 */
async function listedUpTo<T>(pk: string, projection: string, limit: number, into: (items: Item[]) => T, names?: Record<string, string>): Promise<T | null> {
  const items = await queryUpTo(
    {
      TableName: tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: projection,
      ...(names ? { ExpressionAttributeNames: names } : {}),
    },
    limit,
  );
  return items ? into(items) : null;
}

const refKey = (practiceId: string, r: MemberRef) => (r.type === 'patient' ? keys.patient(practiceId, r.id) : keys.contact(practiceId, r.id));

export class DynamoAudienceDirectory implements AudienceDirectory {
  constructor(private readonly directory: Pick<DirectoryRepository, 'getSettings'>) {}

  async groups(practiceId: string, ids: readonly string[]) {
    const items = await batchGet([...new Set(ids)].map((id) => keys.group(practiceId, id)));
    return items.map((i) => {
      const chat = i['chat'] as PartialChatSettings | undefined;
      return { id: i['id'] as string, memberCount: (i['memberCount'] as number | undefined) ?? 0, chat: chat && Object.keys(chat).length ? chat : null };
    });
  }

  /**
   * Pages of at most MEMBER_PAGE members: a page as large as 1 MB allows (about 9,000 of these
   * items) took DynamoDB Local about twice as long per item, and a page of this size lets the
   * preview resolve members while the next page is read.
   */
  async *memberPages(practiceId: string, groupId: string): AsyncIterable<MemberRef[]> {
    for await (const items of queryPages({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.groupPk(practiceId, groupId), ':prefix': 'MEMBER#' },
      ProjectionExpression: 'memberType, memberId',
      Limit: MEMBER_PAGE,
    })) {
      yield items.map((i) => ({ type: i['memberType'] as MemberRef['type'], id: i['memberId'] as string }));
    }
  }

  async existing(practiceId: string, refs: readonly MemberRef[]): Promise<Set<string>> {
    const items = await batchGet(refs.map((r) => refKey(practiceId, r)), { projection: 'pk', parallel: 8 });
    const byPk = new Map(refs.map((r) => [refKey(practiceId, r).pk, `${r.type}#${r.id}`]));
    return new Set(items.map((i) => byPk.get(i['pk'] as string)).filter((k): k is string => !!k));
  }

  /**
   * The patients and, beside each, the item listing its groups: one BatchGetItem per 50 patients
   * (per 100 without the groups); only the attributes the resolution reads.
   */
  async patients(practiceId: string, ids: readonly string[], options: { groups?: boolean } = {}): Promise<AudiencePatient[]> {
    const unique = [...new Set(ids)];
    const withGroups = options.groups ?? true;
    const items = await batchGet(
      unique.flatMap((id) => (withGroups ? [keys.patient(practiceId, id), keys.patientGroups(practiceId, id)] : [keys.patient(practiceId, id)])),
      { projection: PATIENT_PROJECTION, names: PATIENT_NAMES, parallel: 4 },
    );
    const groupsOf = new Map(items.filter((i) => i['sk'] === 'GROUPS').map((i) => [i['pk'] as string, setOf(i['groupIds'])]));
    return items.filter((i) => i['type'] === 'Patient').map((i) => audiencePatientFrom(i, groupsOf.get(i['pk'] as string) ?? []));
  }

  groupChats(practiceId: string, limit: number): Promise<Map<string, PartialChatSettings> | null> {
    return listedUpTo(keys.groupListPk(practiceId), 'id, chat', limit, (items) => {
      const chats = new Map<string, PartialChatSettings>();
      for (const i of items) {
        const chat = i['chat'] as PartialChatSettings | undefined;
        if (chat && Object.keys(chat).length) chats.set(i['id'] as string, chat);
      }
      return chats;
    });
  }

  /**
   * The practice's actively blocked addresses (`type#value`), listed from the blocks by date
   * (gsi1 `#BLOCKS`: only active blocks are on it; written and removed in the same transaction
   * as the `BLOCK#<type>#<value>` item the per-key check reads); null past `limit` blocks.
   */
  blockedAddresses(practiceId: string, limit: number): Promise<Set<string> | null> {
    return listedUpTo(keys.blocksByDatePk(practiceId), 'addressType, #value', limit, (items) => new Set(items.map((i) => `${i['addressType'] as string}#${i['value'] as string}`)), {
      '#value': 'value',
    });
  }

  /**
   * The practice's opted-out numbers (`phone#value`), listed from its suppressions (gsi1
   * `#SUPPRESSIONS`: every suppression the inbound keywords and the dispatcher write, bounces and
   * complaints too); null past `limit` suppressions.
   */
  optedOutAddresses(practiceId: string, limit: number): Promise<Set<string> | null> {
    return listedUpTo(
      keys.suppressionsPk(practiceId),
      'addressType, #value, #reason',
      limit,
      (items) => new Set(items.filter((i) => i['addressType'] === 'phone' && OPT_OUT_REASONS.has(i['reason'] as string)).map((i) => `phone#${i['value'] as string}`)),
      { '#value': 'value', '#reason': 'reason' },
    );
  }

  async contacts(practiceId: string, ids: readonly string[]) {
    return (await batchGet([...new Set(ids)].map((id) => keys.contact(practiceId, id)))).map(contactFrom);
  }

  settings(practiceId: string) {
    return this.directory.getSettings(practiceId);
  }

  async barriers(practiceId: string, addresses: readonly { type: 'email' | 'phone'; value: string }[], read: { blocks?: boolean; optOuts?: boolean } = {}) {
    const { blocks = true, optOuts = true } = read;
    const wanted = addresses.flatMap((a) => [
      ...(blocks ? [keys.blockedAddress(practiceId, a.type, a.value)] : []),
      ...(optOuts ? [keys.suppression(practiceId, a.type, a.value)] : []),
    ]);
    const items = wanted.length ? await batchGet(wanted, { projection: 'pk, #reason', parallel: 4, names: { '#reason': 'reason' } }) : [];
    const byPk = new Map<string, { value: string; kind: 'block' | 'suppression' }>();
    for (const a of addresses) {
      byPk.set(keys.blockedAddress(practiceId, a.type, a.value).pk, { value: a.value, kind: 'block' });
      byPk.set(keys.suppression(practiceId, a.type, a.value).pk, { value: a.value, kind: 'suppression' });
    }
    const blocked = new Set<string>();
    const optedOut = new Set<string>();
    for (const i of items) {
      const hit = byPk.get(i['pk'] as string);
      if (!hit) continue;
      if (hit.kind === 'block') blocked.add(hit.value);
      else if (OPT_OUT_REASONS.has(i['reason'] as string)) optedOut.add(hit.value);
    }
    return { blocked, optedOut };
  }
}
