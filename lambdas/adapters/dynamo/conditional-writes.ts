/**
 * Conditional writes: the items a transaction puts on a condition, and the answer of a write
 * whose condition says "nothing changed since the read" (false when another writer won).
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailure, tableName } from './client.js';

type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A Put of `item`, on `condition` when one is given. */
export const putItem = (item: Item, condition?: string, values?: Record<string, unknown>, names?: Record<string, string>): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: item,
    ...(condition ? { ConditionExpression: condition } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
    ...(names ? { ExpressionAttributeNames: names } : {}),
  },
});

/** One TransactWriteItems call. */
export async function transact(items: TransactItem[]): Promise<void> {
  await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
}

/** True when `write` succeeded, false when one of its conditions failed; other errors pass through. */
export async function writtenIfUnchanged(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
