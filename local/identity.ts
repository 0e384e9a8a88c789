import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { staffRoles } from '#shared/domain/ticket';

/**
 * The local stand-in for Cognito: it signs access tokens of the same shape Cognito issues
 * (`cognito:groups`, `username`, `client_id`, `token_use`), and verifies them as the
 * HTTP API JWT authorizer does (signature, issuer, audience/client_id, expiry).
 */
export interface DevIdentityProvider {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: JSONWebKeySet;
  issueToken(username: string, groups: readonly string[], ttlSeconds?: number): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

const KEY_ID = 'local-dev-key';

export async function createDevIdentityProvider(options: {
  issuer: string;
  audience?: string;
  keyFile?: string;
}): Promise<DevIdentityProvider> {
  const audience = options.audience ?? 'local-portal';
  let privateJwk: JWK;
  if (options.keyFile && existsSync(options.keyFile)) {
    privateJwk = JSON.parse(readFileSync(options.keyFile, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = await exportJWK(privateKey);
    if (options.keyFile) writeFileSync(options.keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid: KEY_ID, alg: 'RS256', use: 'sig' }] };
  const signingKey = await importJWK(privateJwk, 'RS256');
  const keySet = createLocalJWKSet(jwks);

  return {
    issuer: options.issuer,
    audience,
    jwks,
    async issueToken(username, groups, ttlSeconds = 8 * 3600) {
      if (!/^[\w.@-]{1,64}$/.test(username)) throw new Error('username: 1-64 letters, digits, . _ @ -');
      const unknown = groups.filter((g) => !(staffRoles as readonly string[]).includes(g));
      if (unknown.length) throw new Error(`groups: unknown group ${unknown.join(', ')}`);
      return new SignJWT({
        'cognito:groups': [...groups],
        username,
        client_id: audience,
        token_use: 'access',
        scope: 'openid profile',
      })
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
        .setSubject(`local-${username}`)
        .setIssuer(options.issuer)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(crypto.randomUUID())
        .sign(signingKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, keySet, { issuer: options.issuer, algorithms: ['RS256'] });
      // The HTTP API authorizer accepts the audience in `aud` or, for access tokens, `client_id`.
      const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
      if (!aud.includes(audience) && payload.client_id !== audience) throw new Error('audience mismatch');
      return payload;
    },
  };
}

/** Claims as API Gateway passes them to Lambda: every value a string, lists as "[a b]". */
export function claimsAsApiGatewayPassesThem(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}
