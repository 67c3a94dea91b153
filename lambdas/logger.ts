import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Log ids only: never bodies, names, emails or phone numbers.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'practice-messaging' });
