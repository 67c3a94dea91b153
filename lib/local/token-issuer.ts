/**
 * The local stand-in for Cognito: signs access tokens with a key made at start-up and verifies
 * them the way the HTTP API JWT authorizer does (signature, issuer, expiry), handing the claims
 * on as strings.
 */
import { SignJWT, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';

export interface TokenIssuer {
  issuer: string;
  sign(claims: { practiceId: string; sub: string; role: string }): Promise<string>;
  /** The claims as API Gateway passes them (all values strings), or null when invalid. */
  verify(authorization: string | undefined): Promise<Record<string, string> | null>;
}

export async function createTokenIssuer(issuer: string): Promise<TokenIssuer> {
  const { privateKey, publicKey } = (await generateKeyPair('ES256')) as { privateKey: CryptoKey; publicKey: CryptoKey };
  return {
    issuer,
    sign: ({ practiceId, sub, role }) =>
      new SignJWT({ practice_id: practiceId, role, token_use: 'access', client_id: 'local', scope: 'openid' })
        .setProtectedHeader({ alg: 'ES256', kid: 'local' })
        .setSubject(sub)
        .setIssuer(issuer)
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .setExpirationTime('12h')
        .sign(privateKey),
    async verify(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match?.[1]) return null;
      try {
        const { payload } = await jwtVerify(match[1], publicKey, { issuer, algorithms: ['ES256'] });
        const claims: Record<string, string> = {};
        for (const [k, v] of Object.entries(payload)) claims[k] = typeof v === 'string' ? v : JSON.stringify(v);
        return claims;
      } catch {
        return null;
      }
    },
  };
}
