import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../lambdas/handlers/cognito/pre-token.js';

function tokenEvent(
  userAttributes: Record<string, string>,
  response: PreTokenGenerationV2TriggerEvent['response'] = {
    claimsAndScopeOverrideDetails: null as unknown as PreTokenGenerationV2TriggerEvent['response']['claimsAndScopeOverrideDetails'],
  },
): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_example',
    userName: '6f1c2a4e-0000-4000-8000-000000000001',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client123' },
    triggerSource: 'TokenGeneration_Authentication',
    request: {
      userAttributes,
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'email'],
    },
    response,
  };
}

const staffAttributes = {
  sub: '6f1c2a4e-0000-4000-8000-000000000001',
  email: 'dana.receptionist@example.org',
  name: 'Dana Example',
  email_verified: 'true',
  'custom:practice_id': 'prac_01HZX',
  'custom:role': 'receptionist',
  'custom:directory_id': '01HZXSTAFF0000000000000000',
};

describe('pre-token-generation trigger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds practice_id, role and directory_id to the access token', async () => {
    const result = await handler(tokenEvent(staffAttributes));
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      practice_id: 'prac_01HZX',
      role: 'receptionist',
      directory_id: '01HZXSTAFF0000000000000000',
    });
  });

  it('adds the same claims to the ID token', async () => {
    const result = await handler(tokenEvent(staffAttributes));
    expect(result.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual({
      practice_id: 'prac_01HZX',
      role: 'receptionist',
      directory_id: '01HZXSTAFF0000000000000000',
    });
  });

  it('copies no other attribute (no email or name in the claims it adds)', async () => {
    const result = await handler(tokenEvent(staffAttributes));
    const added = JSON.stringify(result.response.claimsAndScopeOverrideDetails);
    expect(added).not.toContain('dana.receptionist@example.org');
    expect(added).not.toContain('Dana Example');
  });

  it('leaves out attributes that are missing or blank', async () => {
    const result = await handler(
      tokenEvent({ sub: staffAttributes.sub, 'custom:practice_id': 'prac_01HZX', 'custom:role': '  ' }),
    );
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      practice_id: 'prac_01HZX',
    });
  });

  it('adds no claims for a user without the custom attributes', async () => {
    const result = await handler(tokenEvent({ sub: staffAttributes.sub, email: staffAttributes.email }));
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({});
    expect(result.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual({});
  });

  it('trims surrounding whitespace from attribute values', async () => {
    const result = await handler(tokenEvent({ 'custom:practice_id': ' prac_01HZX ', 'custom:role': 'admin\n' }));
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      practice_id: 'prac_01HZX',
      role: 'admin',
    });
  });

  it('keeps overrides already present in the response', async () => {
    const result = await handler(
      tokenEvent(staffAttributes, {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: { claimsToAddOrOverride: { tier: 'gold' }, scopesToAdd: ['messages/read'] },
          groupOverrideDetails: { groupsToOverride: ['staff'] },
        },
      }),
    );
    const details = result.response.claimsAndScopeOverrideDetails;
    expect(details.accessTokenGeneration).toEqual({
      claimsToAddOrOverride: {
        tier: 'gold',
        practice_id: 'prac_01HZX',
        role: 'receptionist',
        directory_id: '01HZXSTAFF0000000000000000',
      },
      scopesToAdd: ['messages/read'],
    });
    expect(details.groupOverrideDetails).toEqual({ groupsToOverride: ['staff'] });
  });

  it('logs nothing (user attributes are PHI)', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const stdout = vi.spyOn(process.stdout, 'write');
    await handler(tokenEvent(staffAttributes));
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(stdout.mock.calls.map(String).join('')).not.toContain('example.org');
  });
});
