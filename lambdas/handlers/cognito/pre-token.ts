/**
 * Cognito pre-token-generation trigger (event version V2_0).
 *
 * Copies the operator-managed attributes `custom:practice_id` and `custom:role` into both the
 * ID token and the ACCESS token as the plain claims `practice_id` and `role`, which is what the
 * HTTP API handlers read from `requestContext.authorizer.jwt.claims` (API.md, Conventions).
 * Attributes that are missing or blank are not added: the API then rejects the token instead
 * of this trigger failing every sign-in of a half-provisioned user.
 *
 * Nothing is logged here: user attributes hold PHI (names, emails, phone numbers).
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

export const claimSources = {
  practice_id: 'custom:practice_id',
  role: 'custom:role',
} as const;

type ClaimName = keyof typeof claimSources;

export function tenantClaims(userAttributes: Readonly<Record<string, string | undefined>>): Partial<Record<ClaimName, string>> {
  const claims: Partial<Record<ClaimName, string>> = {};
  for (const [claim, attribute] of Object.entries(claimSources) as [ClaimName, string][]) {
    const value = userAttributes[attribute]?.trim();
    if (value) claims[claim] = value;
  }
  return claims;
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const claims = tenantClaims(event.request.userAttributes ?? {});
  const existing = event.response?.claimsAndScopeOverrideDetails ?? {};

  event.response = {
    claimsAndScopeOverrideDetails: {
      ...existing,
      idTokenGeneration: {
        ...existing.idTokenGeneration,
        claimsToAddOrOverride: { ...existing.idTokenGeneration?.claimsToAddOrOverride, ...claims },
      },
      accessTokenGeneration: {
        ...existing.accessTokenGeneration,
        claimsToAddOrOverride: { ...existing.accessTokenGeneration?.claimsToAddOrOverride, ...claims },
      },
    },
  };
  return event;
};
