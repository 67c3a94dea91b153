/**
 * Cognito pre-token-generation trigger (event version V2_0).
 *
 * Copies operator-managed user attributes into both the ID token and the ACCESS token as plain
 * claims, which the HTTP API handlers read from `requestContext.authorizer.jwt.claims`
 * (API.md, Conventions; lambdas/http/auth.ts):
 *   custom:practice_id  -> practice_id   (tenant)
 *   custom:role         -> role          (admin | receptionist | provider | biller | patient)
 *   custom:directory_id -> directory_id  (staff or patient record id, when it is not the `sub`)
 * Attributes that are missing or blank are not added: the API then rejects the token instead
 * of this trigger failing every sign-in of a half-provisioned user. The trigger only copies;
 * validating the values is the API's job.
 *
 * Nothing is logged here: user attributes hold PHI (names, emails, phone numbers).
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** Token claim -> user attribute it is copied from. */
export const claimSources = {
  practice_id: 'custom:practice_id',
  role: 'custom:role',
  directory_id: 'custom:directory_id',
} as const;

export type TenantClaim = keyof typeof claimSources;

export function tenantClaims(
  userAttributes: Readonly<Record<string, string | undefined>> | null | undefined,
): Partial<Record<TenantClaim, string>> {
  const claims: Partial<Record<TenantClaim, string>> = {};
  for (const [claim, attribute] of Object.entries(claimSources) as [TenantClaim, string][]) {
    const value = userAttributes?.[attribute]?.trim();
    if (value) claims[claim] = value;
  }
  return claims;
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const claims = tenantClaims(event.request?.userAttributes);
  // Cognito sends `claimsAndScopeOverrideDetails: null`; keep anything already there.
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
