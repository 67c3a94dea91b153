import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/stacks/app.js';
import { globalIndexes, tableKeys } from '../../lib/table-definition.js';

/** An App with the context of cdk.json (feature flags) plus `extra`; bundling skipped. */
function newApp(extra: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...extra } });
}

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

describe('stateful stack', () => {
  let template: Template;
  let keyLogicalId: string;

  beforeAll(() => {
    const { stateful } = buildApp(newApp());
    template = Template.fromStack(stateful);
    keyLogicalId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
  });

  it('is named after the stage', () => {
    const { stateful, service } = buildApp(newApp({ stage: 'qa' }));
    expect(stateful.stackName).toBe('PracticeMessaging-qa-Stateful');
    expect(service.stackName).toBe('PracticeMessaging-qa-Service');
  });

  it('has one customer-managed key, rotated and retained', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('lets CloudWatch Logs of this account use the key for log groups only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('creates the table with point-in-time recovery and KMS encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyLogicalId, 'Arn'] } },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: tableKeys.ttlAttribute, Enabled: true },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('creates every global index of lib/table-definition.ts with string keys and ALL projection', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as Resource;
    const indexes = table.Properties.GlobalSecondaryIndexes as any[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(globalIndexes.map((i) => i.indexName).sort());
    const attributeTypes = Object.fromEntries(
      (table.Properties.AttributeDefinitions as any[]).map((a) => [a.AttributeName, a.AttributeType]),
    );
    for (const index of globalIndexes) {
      expect(indexes).toContainEqual({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
      expect(attributeTypes[index.partitionKey]).toBe('S');
      expect(attributeTypes[index.sortKey]).toBe('S');
    }
  });

  it('keeps the WhatsApp Cloud API token in one secret, encrypted with the key and retained, without a value in the template', () => {
    // Two secrets: this token, and the one list cursors are sealed with (test/infra/cursor-secret.test.ts).
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const [secret] = Object.values(
      template.findResources('AWS::SecretsManager::Secret', { Properties: { Description: Match.stringLikeRegexp('WhatsApp') } }),
    ) as Resource[];
    expect(secret!.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyLogicalId, 'Arn'] });
    expect(secret!.DeletionPolicy).toBe('Retain');
    expect(secret!.UpdateReplacePolicy).toBe('Retain');
    // The operator stores the token issued by Meta; the stack only creates a random placeholder.
    expect(secret!.Properties.SecretString).toBeUndefined();
    expect(secret!.Properties.GenerateSecretString).toBeDefined();
  });

  describe('attachments bucket', () => {
    let bucketId: string;
    let bucket: Resource;

    beforeAll(() => {
      const encrypted = template.findResources('AWS::S3::Bucket', {
        Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] } },
      });
      expect(Object.keys(encrypted)).toHaveLength(1);
      bucketId = Object.keys(encrypted)[0]!;
      bucket = encrypted[bucketId] as Resource;
    });

    it('bucket enforces TLS and blocks public access', () => {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('is encrypted with the customer-managed key, versioned and retained', () => {
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: { 'Fn::GetAtt': [keyLogicalId, 'Arn'] },
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.DeletionPolicy).toBe('Retain');
    });

    it('writes server access logs to a separate, TLS-only, private bucket', () => {
      const target = bucket.Properties.LoggingConfiguration.DestinationBucketName.Ref as string;
      expect(target).not.toBe(bucketId);
      const logBucket = template.toJSON().Resources[target] as Resource;
      expect(logBucket.Type).toBe('AWS::S3::Bucket');
      expect(logBucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: target },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('expires never-completed uploads (tagged upload=pending under files/) after a day and cleans up multipart uploads and old versions', () => {
      const rules = bucket.Properties.LifecycleConfiguration.Rules as any[];
      expect(rules).toContainEqual(
        expect.objectContaining({ Prefix: 'files/', TagFilters: [{ Key: 'upload', Value: 'pending' }], ExpirationInDays: 1, Status: 'Enabled' }),
      );
      expect(rules).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
      );
      expect(rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }));
      // Only pending uploads expire: completed (and attached) objects are kept.
      expect(rules.filter((r) => r.ExpirationInDays !== undefined).every((r) => r.TagFilters?.[0]?.Value === 'pending')).toBe(true);
    });

    it('has no CORS and no malware scan unless the stage asks for them', () => {
      expect(bucket.Properties.CorsConfiguration).toBeUndefined();
      expect(Object.keys(template.findResources('AWS::GuardDuty::MalwareProtectionPlan'))).toHaveLength(0);
    });

    it('with corsOrigins and malwareProtection: the origins may POST uploads and GET downloads; GuardDuty scans and tags files/', () => {
      const { stateful, service } = buildApp(newApp({ stage: 'scan', corsOrigins: 'https://app.clinic.example', malwareProtection: true }));
      const t = Template.fromStack(stateful);
      const [scanned] = Object.values(t.findResources('AWS::S3::Bucket', { Properties: { CorsConfiguration: Match.anyValue() } })) as Resource[];
      expect(scanned!.Properties.CorsConfiguration.CorsRules).toEqual([
        expect.objectContaining({ AllowedMethods: ['POST', 'GET'], AllowedOrigins: ['https://app.clinic.example'] }),
      ]);
      t.hasResourceProperties('AWS::GuardDuty::MalwareProtectionPlan', {
        ProtectedResource: { S3Bucket: Match.objectLike({ ObjectPrefixes: ['files/'] }) },
        Actions: { Tagging: { Status: 'ENABLED' } },
      });
      t.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' } })] },
      });
      // The attachments function then waits for the scan verdict.
      Template.fromStack(service).hasResourceProperties('AWS::Lambda::Function', {
        Description: 'HTTP function "attachments"',
        Environment: { Variables: Match.objectLike({ MALWARE_SCAN: 'on' }) },
      });
    });
  });

  describe('user pool', () => {
    it('allows no self sign-up and requires a strong password and TOTP MFA', () => {
      template.hasResource('AWS::Cognito::UserPool', {
        Properties: Match.objectLike({
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          UserPoolTier: 'ESSENTIALS',
          MfaConfiguration: 'ON',
          EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
          DeletionProtection: 'ACTIVE',
          Policies: {
            PasswordPolicy: Match.objectLike({
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            }),
          },
        }),
        DeletionPolicy: 'Retain',
      });
    });

    it('makes MFA optional only when the mfa context key says so', () => {
      const { stateful } = buildApp(newApp({ mfa: 'optional' }));
      Template.fromStack(stateful).hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
    });

    it('has mutable custom attributes practice_id, role and directory_id', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'practice_id', AttributeDataType: 'String', Mutable: true }),
          Match.objectLike({ Name: 'role', AttributeDataType: 'String', Mutable: true }),
          Match.objectLike({ Name: 'directory_id', AttributeDataType: 'String', Mutable: true }),
        ]),
      });
    });

    it('runs the pre-token-generation trigger with event version V2_0', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(1);
      const [fnId] = Object.keys(functions);
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' } },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
      });
    });

    it('has a public client (no secret) for SRP and the authorization code flow', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
        AllowedOAuthFlows: ['code'],
        PreventUserExistenceErrors: 'ENABLED',
      });
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0] as Resource;
      expect(client.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      expect(client.Properties.AllowedOAuthFlows).not.toContain('implicit');
    });

    it('has a hosted sign-in domain only when authDomainPrefix is given', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
      const { stateful } = buildApp(newApp({ authDomainPrefix: 'clinic-messaging-qa' }));
      Template.fromStack(stateful).hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'clinic-messaging-qa' });
    });

    it('users cannot write their own practice_id, role or directory_id through the client', () => {
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0] as Resource;
      const writable = client.Properties.WriteAttributes as string[];
      expect(writable).toBeDefined();
      expect(writable.filter((a) => a.startsWith('custom:'))).toEqual([]);
      expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:practice_id', 'custom:role']));
    });
  });
});
