/**
 * npm run redrive -- --stage <stage> [--dry-run]
 *
 * Moves the messages of the delivery queue's dead-letter queue (delivery ids, no PHI) back to
 * the delivery queue, where the consumer dispatches them again (the claim still sends each
 * delivery at most once). The queues are found by the names the stack gives them
 * (`practice-messaging-<stage>-deliveries` and `...-deliveries-dlq`); the move is SQS's own
 * redrive (StartMessageMoveTask). `--dry-run` only says how many messages would move.
 * Uses the default AWS credentials and region.
 */
import { pathToFileURL } from 'node:url';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

export interface RedriveOptions {
  stage: string;
  dryRun: boolean;
}

export interface RedriveResult {
  waiting: number;
  /** The move task's handle (none on a dry run or when the dead-letter queue is empty). */
  taskHandle?: string;
}

export const deliveryQueueNames = (stage: string) => ({
  queue: `practice-messaging-${stage}-deliveries`,
  deadLetters: `practice-messaging-${stage}-deliveries-dlq`,
});

export function parseRedriveArgs(argv: readonly string[]): RedriveOptions {
  let stage: string | undefined;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--stage') stage = argv[++i];
    else if (arg.startsWith('--stage=')) stage = arg.slice('--stage='.length);
    else throw new Error(`Unknown argument ${arg}. Usage: npm run redrive -- --stage <stage> [--dry-run]`);
  }
  if (!stage || !/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error('Usage: npm run redrive -- --stage <stage> [--dry-run] (a stage name as in cdk.json)');
  return { stage, dryRun };
}

async function queueInfo(client: SQSClient, name: string): Promise<{ arn: string; messages: number }> {
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`Queue ${name} has no ARN`);
  return { arn: Attributes.QueueArn, messages: Number(Attributes.ApproximateNumberOfMessages ?? 0) };
}

export async function redrive(client: SQSClient, options: RedriveOptions, log: (line: string) => void = console.log): Promise<RedriveResult> {
  const names = deliveryQueueNames(options.stage);
  const deadLetters = await queueInfo(client, names.deadLetters);
  const queue = await queueInfo(client, names.queue);
  if (options.dryRun || deadLetters.messages === 0) {
    log(`${names.deadLetters}: ${deadLetters.messages} message(s)${options.dryRun ? ` would move to ${names.queue} (dry run)` : ''}`);
    return { waiting: deadLetters.messages };
  }
  const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetters.arn, DestinationArn: queue.arn }));
  log(`${names.deadLetters}: moving ${deadLetters.messages} message(s) to ${names.queue} (task ${TaskHandle})`);
  return { waiting: deadLetters.messages, ...(TaskHandle ? { taskHandle: TaskHandle } : {}) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await redrive(new SQSClient({}), parseRedriveArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
