/** Contacts, groups and chat settings: parse, call the use case, answer. */
import * as chat from '../../use-cases/chat-settings.js';
import * as uc from '../../use-cases/contacts.js';
import { contactFieldErrors } from '../../use-cases/directory.js';
import { bodyOf, httpHandler, paramOf, queryOf, type Request } from '../../http/handler.js';
import { idempotent } from '../../http/idempotency.js';
import { created, ok } from '../../http/responses.js';
import * as s from '../../http/schemas/contacts.js';
import { PageOnlyQuery } from '../../http/schemas/conversations.js';
import { callerDirectory, chatSettingsDeps, contactDeps as deps } from '../../wiring.js';

const addressFields = { email: ['email'], phone: ['primaryPhone', 'secondaryPhone'] } as const;
const regionOf = async (req: Request) => (await deps.directory.getSettings(req.caller.practiceId)).defaultRegion;

export const handler = httpHandler(
  {
    'POST /v1/contacts': (req) =>
      idempotent(req, async () => {
        const region = await regionOf(req);
        const body = bodyOf(req, s.CreateContact, (raw) => contactFieldErrors(raw, addressFields, region));
        return created(await uc.createContact(deps, req.caller, body, region));
      }),
    'GET /v1/contacts': async (req) => ok(await uc.listContacts(deps, req.caller, queryOf(req, s.ListContactsQuery))),
    'POST /v1/contacts/block': async (req) => ok(await uc.blockContacts(deps, req.caller, bodyOf(req, s.BlockContacts))),
    'GET /v1/contacts/{id}': async (req) => ok(await uc.getContact(deps, req.caller, paramOf(req, 'id'))),
    'PATCH /v1/contacts/{id}': async (req) => {
      const region = await regionOf(req);
      const body = bodyOf(req, s.UpdateContact, (raw) => contactFieldErrors(raw, addressFields, region));
      return ok(await uc.updateContact(deps, req.caller, paramOf(req, 'id'), body, region));
    },
    'POST /v1/contacts/{id}/unblock': async (req) => ok(await uc.unblockContact(deps, req.caller, paramOf(req, 'id'))),
    'GET /v1/contacts/{id}/history': async (req) =>
      ok(await uc.contactHistory(deps, req.caller, paramOf(req, 'id'), queryOf(req, PageOnlyQuery))),

    'POST /v1/groups': (req) => idempotent(req, async () => created(await uc.createGroup(deps, req.caller, bodyOf(req, s.CreateGroup)))),
    'GET /v1/groups': async (req) => ok(await uc.listGroups(deps, req.caller, queryOf(req, PageOnlyQuery))),
    'GET /v1/groups/{id}': async (req) => ok(await uc.getGroup(deps, req.caller, paramOf(req, 'id'))),
    'POST /v1/groups/{id}/members': async (req) =>
      ok(await uc.addMembers(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.AddMembers))),
    'GET /v1/groups/{id}/members': async (req) =>
      ok(await uc.listMembers(deps, req.caller, paramOf(req, 'id'), queryOf(req, PageOnlyQuery))),
    'PATCH /v1/groups/{id}/chat': async (req) =>
      ok(await uc.setGroupChat(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.UpdateGroupChat))),

    'GET /v1/settings/chat': async (req) => ok(await chat.getPracticeChat(chatSettingsDeps, req.caller)),
    'PATCH /v1/settings/chat': async (req) =>
      ok(await chat.updatePracticeChat(chatSettingsDeps, req.caller, bodyOf(req, s.UpdatePracticeChat))),
  },
  callerDirectory,
);
