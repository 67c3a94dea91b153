/**
 * `npm start`: the whole service on a laptop, no AWS account.
 *   --port N (or PORT, default 3000)   --dynamo-port N (8000)   --s3-port N (4569)   --ses-port N (8005)
 *   --data DIR   keep DynamoDB and S3 data in DIR (default: in memory)
 *   --no-seed    skip the demo practice
 * Port 0 picks a free port. Ctrl-C or SIGTERM stops every child process.
 */
import { parseArgs } from 'node:util';
import { startLocal } from '../lib/local/runtime.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'dynamo-port': { type: 'string' },
    's3-port': { type: 'string' },
    'ses-port': { type: 'string' },
    data: { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
  },
});

const port = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const n = Number(flag ?? env ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Not a port: ${flag ?? env}`);
  return n;
};

const runtime = await startLocal({
  port: port(values.port, process.env.PORT, 3000),
  dynamoPort: port(values['dynamo-port'], process.env.DYNAMODB_PORT, 8000),
  s3Port: port(values['s3-port'], process.env.S3_PORT, 4569),
  sesPort: port(values['ses-port'], process.env.SES_PORT, 8005),
  dataDir: values.data,
  seed: !values['no-seed'],
});

const lines = [
  `Practice messaging API on ${runtime.url}`,
  `  health:   ${runtime.url}/health`,
  `  openapi:  ${runtime.url}/v1/openapi.json`,
  `  tokens:   POST ${runtime.url}/dev/token {"practiceId","sub","role"}`,
  `  outbox:   ${runtime.url}/dev/outbox`,
  `  webhooks: TWILIO_AUTH_TOKEN=${process.env.TWILIO_AUTH_TOKEN}  WHATSAPP_APP_SECRET=${process.env.WHATSAPP_APP_SECRET}  WHATSAPP_VERIFY_TOKEN=${process.env.WHATSAPP_VERIFY_TOKEN}`,
  `            PUBLIC_BASE_URL=${process.env.PUBLIC_BASE_URL}  SNS_SIGNING_CERT_FILE=${process.env.SNS_SIGNING_CERT_FILE ?? '(unset: certificates fetched)'}  SNS_TOPIC_ARNS=${process.env.SNS_TOPIC_ARNS || '(any)'}`,
  `  sms:      POST ${runtime.url}/dev/sms-inbound (End User Messaging two-way SMS payload)`,
  `  emulators: DynamoDB ${runtime.endpoints.dynamodb}, S3 ${runtime.endpoints.s3}, SES ${runtime.endpoints.ses}`,
];
if (runtime.demoUsers.length > 0) {
  lines.push('', 'Demo practice "demo-practice" (tokens valid 12 h):');
  for (const u of runtime.demoUsers) lines.push(`  ${u.label.padEnd(13)} id=${u.id}`, `    export TOKEN_${u.label.toUpperCase()}=${u.token}`);
}
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the local runtime\n`);
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
