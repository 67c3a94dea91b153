/**
 * The delivery queue's consumer (lambdas/handlers/queue/delivery-consumer.ts): read by the CDK
 * construct (an SQS event source) and by the local runtime's in-process queue. Data only.
 */
export const DELIVERY_CONSUMER_ENTRY = 'lambdas/handlers/queue/delivery-consumer.ts';
/** Messages per invocation (SQS's largest batch without a batching window). */
export const DELIVERY_BATCH_SIZE = 10;
/**
 * Concurrent invocations of the consumer (the event source's maximum concurrency): set it to
 * match the provider's rate (context `deliveryConcurrency`). Each invocation sends its batch one
 * delivery after another, so about this many sends are in flight at once.
 */
export const DEFAULT_DELIVERY_CONCURRENCY = 5;
