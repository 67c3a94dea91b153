/** Contacts, groups and chat settings: call the use case. */
import * as chat from '../../use-cases/chat-settings.js';
import * as uc from '../../use-cases/contacts/index.js';
import { httpFunction } from '../../http/http-function.js';
import { contactRoutes as routes } from '../../http/routes/contacts.js';
import { contactDeps as deps } from '../../wiring/blocks.js';
import { chatSettingsDeps } from '../../wiring/directory.js';
import { httpOptions } from '../../wiring/http.js';
import { withAddressChecks } from './address-checks.js';

const contactAddresses = { email: ['email'], phone: ['primaryPhone', 'secondaryPhone'] };

export const handler = httpFunction(
  routes,
  {
    createContact: withAddressChecks<typeof routes.createContact>(contactAddresses, ({ caller, body }, settings) =>
      uc.createContact(deps, caller, body, settings.defaultRegion),
    ),
    listContacts: ({ caller, query }) => uc.listContacts(deps, caller, query),
    blockContacts: ({ caller, body }) => uc.blockContacts(deps, caller, body),
    getContact: ({ caller, params }) => uc.getContact(deps, caller, params.id),
    updateContact: withAddressChecks<typeof routes.updateContact>(contactAddresses, ({ caller, params, body }, settings) =>
      uc.updateContact(deps, caller, params.id, body, settings.defaultRegion),
    ),
    unblockContact: ({ caller, params }) => uc.unblockContact(deps, caller, params.id),
    getContactHistory: ({ caller, params, query }) => uc.contactHistory(deps, caller, params.id, query),
    createGroup: ({ caller, body }) => uc.createGroup(deps, caller, body),
    listGroups: ({ caller, query }) => uc.listGroups(deps, caller, query),
    getGroup: ({ caller, params }) => uc.getGroup(deps, caller, params.id),
    addGroupMembers: ({ caller, params, body }) => uc.addMembers(deps, caller, params.id, body),
    listGroupMembers: ({ caller, params, query }) => uc.listMembers(deps, caller, params.id, query),
    updateGroupChat: ({ caller, params, body }) => uc.setGroupChat(deps, caller, params.id, body),
    getPracticeChat: ({ caller }) => chat.getPracticeChat(chatSettingsDeps, caller),
    updatePracticeChat: ({ caller, body }) => chat.updatePracticeChat(chatSettingsDeps, caller, body),
  },
  httpOptions,
);
