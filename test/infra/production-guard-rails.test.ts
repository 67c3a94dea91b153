import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { PracticeUserPool } from '../../lib/constructs/practice-user-pool.js';
import { buildApp } from '../../lib/stacks/app.js';
import { newApp, production } from './new-app.js';

type Client = { Properties: { ExplicitAuthFlows: string[]; CallbackURLs: string[]; LogoutURLs: string[] } };

const statefulOf = (context: Record<string, unknown>): Template => Template.fromStack(buildApp(newApp(context)).stateful);

const clientOf = (context: Record<string, unknown>, template = statefulOf(context)): Client['Properties'] => {
  const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient')) as Client[];
  expect(clients).toHaveLength(1);
  return clients[0]!.Properties;
};

describe('production guard rails (issue 9 item 7)', () => {
  it('a production stage refuses optional MFA, naming the mfa key', () => {
    expect(() => buildApp(newApp({ ...production, mfa: 'optional' }))).toThrow(/CDK context "mfa": a production stage requires MFA/);
  });

  it('a production stage refuses ALLOW_ADMIN_USER_PASSWORD_AUTH, naming the adminPasswordAuth key', () => {
    expect(() => buildApp(newApp({ ...production, adminPasswordAuth: 'true' }))).toThrow(
      /CDK context "adminPasswordAuth": a production stage refuses ALLOW_ADMIN_USER_PASSWORD_AUTH/,
    );
  });

  it('a production stage refuses a missing callback URL, naming authCallbackUrls', () => {
    expect(() => buildApp(newApp({ stage: 'prod' }))).toThrow(/CDK context "authCallbackUrls": a production stage needs at least one https URL/);
    expect(() => buildApp(newApp({ stage: 'production', authCallbackUrls: '' }))).toThrow(/CDK context "authCallbackUrls"/);
  });

  it('a production stage refuses localhost callback and sign-out URLs', () => {
    expect(() => buildApp(newApp({ stage: 'prod', authCallbackUrls: 'http://localhost:3000/auth/callback' }))).toThrow(
      /CDK context "authCallbackUrls": a production stage refuses localhost URLs \(http:\/\/localhost:3000\/auth\/callback\)/,
    );
    expect(() =>
      buildApp(newApp({ stage: 'prod', authCallbackUrls: 'https://app.example.org/cb,http://127.0.0.1:8080/cb' })),
    ).toThrow(/CDK context "authCallbackUrls": a production stage refuses localhost URLs/);
    expect(() => buildApp(newApp({ ...production, authLogoutUrls: 'http://localhost:3000/' }))).toThrow(
      /CDK context "authLogoutUrls": a production stage refuses localhost URLs/,
    );
  });

  it('a production stage with its app URL synthesizes: MFA required, no admin password sign-in, sign-out at the app origin', () => {
    const template = statefulOf(production);
    const client = clientOf(production, template);
    expect(client.ExplicitAuthFlows).not.toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
    expect(client.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(client.CallbackURLs).toEqual(['https://app.example.org/auth/callback']);
    expect(client.LogoutURLs).toEqual(['https://app.example.org/']);
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
  });

  it('other stages keep admin password sign-in for smoke tests unless adminPasswordAuth=false', () => {
    expect(clientOf({}).ExplicitAuthFlows).toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
    expect(clientOf({ stage: 'qa', adminPasswordAuth: false }).ExplicitAuthFlows).not.toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
    expect(clientOf({ stage: 'qa', mfa: 'optional' }).CallbackURLs).toEqual(['http://localhost:3000/auth/callback']);
    expect(() => buildApp(newApp({ adminPasswordAuth: 'yes' }))).toThrow(/CDK context "adminPasswordAuth": must be true or false/);
  });

  it('the user pool construct refuses weakened production settings itself', () => {
    const stack = new Stack(newApp(), 'Direct');
    const props = {
      stage: 'prod',
      production: true,
      mfa: 'required' as const,
      adminPasswordAuth: false,
      logKey: new Key(stack, 'Key'),
      logRetention: RetentionDays.ONE_YEAR,
      retainLogs: true,
      callbackUrls: ['https://app.example.org/auth/callback'],
      logoutUrls: ['https://app.example.org/'],
    };
    expect(() => new PracticeUserPool(stack, 'Optional', { ...props, mfa: 'optional' })).toThrow(/"mfa"/);
    expect(() => new PracticeUserPool(stack, 'Admin', { ...props, adminPasswordAuth: true })).toThrow(/"adminPasswordAuth"/);
    expect(() => new PracticeUserPool(stack, 'NoCallback', { ...props, callbackUrls: [] })).toThrow(/"authCallbackUrls"/);
    expect(() => new PracticeUserPool(stack, 'Fine', props)).not.toThrow();
  });
});
