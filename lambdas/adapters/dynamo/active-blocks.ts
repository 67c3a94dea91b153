/**
 * The block check alone: which of these addresses have an active block (one item per blocked
 * address, `P#<p>#BLOCK#<type>#<value>`), read by key. Functions that only check blocks (the
 * send path, the reminder on a patient record) compose this instead of DynamoBlockRepository,
 * whose writes carry the blocks' search text (phone formatting, libphonenumber-js).
 */
import type { ActiveBlock, AddressType, BlockRepository } from '../../use-cases/blocks/ports.js';
import { getItems } from './request-batch.js';
import { keys } from './keys.js';

/** Active blocks among these addresses: read with whatever else the request reads at the same time (a send's block check joins its group reads). */
export async function activeBlocksAmong(practiceId: string, addresses: readonly { type: AddressType; value: string }[]): Promise<ActiveBlock[]> {
  const unique = new Map(addresses.map((a) => [`${a.type}:${a.value}`, a]));
  const items = await getItems([...unique.values()].map((a) => keys.blockedAddress(practiceId, a.type, a.value)));
  return items.map((i) => ({
    blockId: i['blockId'] as string,
    type: i['addressType'] as AddressType,
    value: i['value'] as string,
    hideExisting: i['hideExisting'] === true,
  }));
}

export const activeBlocks: Pick<BlockRepository, 'activeAmong'> = { activeAmong: activeBlocksAmong };
