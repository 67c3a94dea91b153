import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { readStageConfig, type StageConfig } from './config.js';
import { ServiceStack } from './service-stack.js';
import { StatefulStack } from './stateful-stack.js';

export interface PracticeMessagingApp {
  readonly config: StageConfig;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

export const stackNames = (stage: string) => ({
  stateful: `PracticeMessaging-${stage}-Stateful`,
  service: `PracticeMessaging-${stage}-Service`,
});

/**
 * Builds the whole application on `app`: the stateful and service stacks of the stage named
 * by the `stage` context key, checked at synth time by the cdk-nag HIPAA Security,
 * AwsSolutions and Serverless packs (any unacknowledged finding fails synthesis).
 * bin/app.ts calls this; tests call it on a fresh App.
 */
export function buildApp(app: App): PracticeMessagingApp {
  const config = readStageConfig(app.node);
  const names = stackNames(config.stage);

  // Env-agnostic stacks: no account/region lookups at synth time; deploy picks them up
  // from the CLI credentials and profile.
  const stateful = new StatefulStack(app, names.stateful, {
    config,
    description: `Practice messaging (${config.stage}): KMS key, table, attachments, user pool, WhatsApp token secret. Retained on delete.`,
    terminationProtection: config.isProduction,
  });
  const service = new ServiceStack(app, names.service, {
    config,
    description: `Practice messaging (${config.stage}): HTTP API, functions, stream consumers, SES configuration set, alarms.`,
    key: stateful.key,
    table: stateful.table,
    attachmentsBucket: stateful.attachmentsBucket,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    preTokenFunction: stateful.preTokenFunction,
    whatsappTokenSecret: stateful.whatsappTokenSecret,
    cursorSecret: stateful.cursorSecret,
  });
  service.addStackDependency(stateful);

  Tags.of(app).add('project', 'practice-messaging');
  Tags.of(app).add('stage', config.stage);

  Validations.of(app).addPlugins(
    new HIPAASecurityChecks(app),
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
  );

  return { config, stateful, service };
}
