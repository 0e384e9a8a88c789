import type { PortalConfig } from './config';

/**
 * One small auth module for both worlds. Locally the dev identity provider has no login page,
 * so the sign-in form asks it for a token; deployed, oidc-client-ts runs Cognito's hosted UI
 * (authorization code + PKCE). Either way the portal holds one access token with Cognito claims.
 */
export type Role = 'agent' | 'supervisor' | 'admin';

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

const KEY = 'complaint-desk.session';
const rank: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };

function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

export function sessionFromToken(token: string): Session {
  const claims = decodePayload(token);
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [];
  return {
    token,
    username: String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? ''),
    roles: groups.filter((g): g is Role => g in rank),
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = sessionFromToken(raw);
  if (session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return session;
}

function keep(token: string): Session {
  sessionStorage.setItem(KEY, token);
  return sessionFromToken(token);
}

export function topRole(session: Session): Role {
  return [...session.roles].sort((a, b) => rank[b] - rank[a])[0] ?? 'agent';
}

export function hasRole(session: Session | undefined, minimum: Role): boolean {
  return session?.roles.some((r) => rank[r] >= rank[minimum]) ?? false;
}

/** Local only: the dev identity provider issues a token for a username and role. */
export async function signInLocally(config: PortalConfig, username: string, role: Role): Promise<Session> {
  if (config.auth.mode !== 'local') throw new Error('Local sign-in is only available locally');
  const res = await fetch(config.auth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, groups: [role] }),
  });
  const body = (await res.json()) as { token?: string; error?: { message: string } };
  if (!res.ok || !body.token) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return keep(body.token);
}

async function userManager(config: PortalConfig) {
  if (config.auth.mode !== 'oidc') throw new Error('No OIDC provider configured');
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  return new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    redirect_uri: config.auth.redirectUri ?? `${location.origin}/auth/callback`,
    post_logout_redirect_uri: config.auth.logoutUri ?? `${location.origin}/`,
    response_type: 'code',
    scope: config.auth.scope,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
}

/** Deployed: go to the hosted sign-in page (authorization code with PKCE). */
export async function signInWithProvider(config: PortalConfig): Promise<void> {
  await (await userManager(config)).signinRedirect();
}

/** Deployed: back from the hosted page with a code; exchange it and keep the access token. */
export async function completeProviderSignIn(config: PortalConfig): Promise<Session> {
  const user = await (await userManager(config)).signinRedirectCallback();
  return keep(user.access_token);
}

export async function signOut(config: PortalConfig | undefined): Promise<void> {
  sessionStorage.removeItem(KEY);
  if (config?.auth.mode === 'oidc') await (await userManager(config)).signoutRedirect();
}
