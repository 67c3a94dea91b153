/** The blocks and contacts functions' composition: a contact's status follows its blocks, and contacts block through the block use cases. */
import { DynamoBlockRepository } from '../adapters/dynamo/block-repository.js';
import { DynamoContactMessageLog } from '../adapters/dynamo/contact-message-log.js';
import { DynamoContactRepository } from '../adapters/dynamo/contact-repository.js';
import { DynamoConversationRepository } from '../adapters/dynamo/conversation-repository.js';
import { DynamoGroupRepository } from '../adapters/dynamo/group-repository.js';
import type { BlockDeps } from '../use-cases/blocks/index.js';
import { systemClock } from '../use-cases/clock.js';
import { contactStatusFollower, type ContactDeps } from '../use-cases/contacts/index.js';
import { directory } from './http.js';

// Contacts follow what the block routes change (a contact's status follows its blocks); contactDeps is read at call time.
export const blockDeps: BlockDeps = {
  blocks: new DynamoBlockRepository(),
  directory,
  conversations: new DynamoConversationRepository(),
  now: systemClock,
  follower: { followBlocks: (caller, addresses) => contactStatusFollower(contactDeps).followBlocks(caller, addresses) },
};

export const contactDeps: ContactDeps = {
  contacts: new DynamoContactRepository(),
  groups: new DynamoGroupRepository(),
  messages: new DynamoContactMessageLog(),
  directory,
  blocking: blockDeps,
  now: systemClock,
};
