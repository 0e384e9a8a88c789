import * as z from 'zod';

/** What the portal needs to know about where it runs: served as /config.json next to the bundle. */
const configSchema = z.object({
  apiBase: z.string().default(''),
  auth: z.discriminatedUnion('mode', [
    z.object({
      mode: z.literal('local'),
      tokenUrl: z.string(),
      issuer: z.string(),
      clientId: z.string(),
    }),
    z.object({
      mode: z.literal('oidc'),
      authority: z.string(),
      clientId: z.string(),
      redirectUri: z.string().optional(),
      logoutUri: z.string().optional(),
      scope: z.string().default('openid profile email'),
    }),
  ]),
  /** Locally the simulated clock; countdowns follow it. Absent when deployed. */
  clockUrl: z.string().optional(),
  departments: z.array(z.string()).default([]),
  categories: z.array(z.string()).default([]),
});

export type PortalConfig = z.infer<typeof configSchema>;

let loaded: Promise<PortalConfig> | undefined;

export function portalConfig(): Promise<PortalConfig> {
  loaded ??= fetch('/config.json', { cache: 'no-store' })
    .then((r) => {
      if (!r.ok) throw new Error(`config.json: ${r.status}`);
      return r.json();
    })
    .then((json) => configSchema.parse(json));
  return loaded;
}
