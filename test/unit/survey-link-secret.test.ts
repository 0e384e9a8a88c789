import { describe, expect, it, vi } from 'vitest';
import { createDependencies } from '#shared/adapters/dependencies';
import { CachedSecretStore, type SecretsManagerApi, secretsManagerApi } from '#shared/adapters/secrets';
import { loadConfig } from '#shared/config';
import type { CallJob } from '#shared/domain/call-job';
import { verifySurveyToken } from '#shared/domain/survey';
import type { Dependencies } from '#shared/ports/dependencies';
import type { SecretStore } from '#shared/ports/secrets';
import { surveyFallbackMail, surveyLink, surveyLinkSecret } from '#shared/use-cases/survey';

/** Every GetSecretValue the mocked SDK received. */
const sdkRequests = vi.hoisted(() => [] as string[]);

vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    constructor(readonly config: { region: string }) {}
    send(command: { input: { SecretId: string } }) {
      sdkRequests.push(command.input.SecretId);
      return Promise.resolve({ SecretString: `value of ${command.input.SecretId} in ${this.config.region}` });
    }
  },
  GetSecretValueCommand: class {
    constructor(readonly input: { SecretId: string }) {}
  },
}));

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SurveyLinkSecret-AbCdEf';
const NOW = new Date('2026-03-02T10:00:00.000Z');

/** A Secrets Manager stand-in that counts its calls and may fail the next ones. */
function fakeApi(value: string | null = 'k3y-from-secrets-manager') {
  const api = {
    calls: 0,
    failures: 0,
    async getSecretValue(secretId: string) {
      api.calls += 1;
      await Promise.resolve();
      if (api.failures > 0) {
        api.failures -= 1;
        throw new Error(`AccessDenied for ${secretId}`);
      }
      return { SecretString: value ?? undefined };
    },
  } satisfies SecretsManagerApi & Record<string, unknown>;
  return api;
}

function depsWith(env: Record<string, string>, secrets?: SecretStore): Dependencies {
  return {
    config: loadConfig({ TABLE_NAME: 'desk', ...env }),
    clock: { now: () => NOW },
    ...(secrets ? { secrets } : {}),
  } as unknown as Dependencies;
}

/** What a survey link is made of: the job and its complaint. */
const job = () => ({ id: 'survey-1000009-0', kind: 'survey', ticketId: '1000009' }) as unknown as CallJob;

describe('the secret store', () => {
  it('reads a secret once per instance; concurrent first reads share one request', async () => {
    const api = fakeApi();
    const store = new CachedSecretStore(api);
    const [a, b] = await Promise.all([store.secretString(ARN), store.secretString(ARN)]);
    expect([a, b]).toEqual(['k3y-from-secrets-manager', 'k3y-from-secrets-manager']);
    expect(await store.secretString(ARN)).toBe('k3y-from-secrets-manager');
    expect(api.calls).toBe(1);
  });

  it('does not keep a failed read: the next request reads again', async () => {
    const api = fakeApi();
    api.failures = 1;
    const store = new CachedSecretStore(api);
    await expect(store.secretString(ARN)).rejects.toThrow(/AccessDenied/);
    expect(await store.secretString(ARN)).toBe('k3y-from-secrets-manager');
    expect(api.calls).toBe(2);
  });

  it('refuses a secret without a string value rather than using a default', async () => {
    const store = new CachedSecretStore(fakeApi(null));
    await expect(store.secretString(ARN)).rejects.toThrow(/no string value/);
    await expect(new CachedSecretStore(fakeApi('')).secretString(ARN)).rejects.toThrow(/no string value/);
  });

  it('asks Secrets Manager for the secret by id, in the configured region', async () => {
    const api = secretsManagerApi('eu-west-1');
    expect(await api.getSecretValue(ARN)).toEqual({ SecretString: `value of ${ARN} in eu-west-1` });
  });
});

describe('the survey link key', () => {
  it('locally (no ARN) is SURVEY_LINK_SECRET', async () => {
    expect(await surveyLinkSecret(depsWith({ SURVEY_LINK_SECRET: 'from-env' }))).toBe('from-env');
    expect(loadConfig({ TABLE_NAME: 'desk' }).deadlines.surveyLinkSecretArn).toBeUndefined();
  });

  it('deployed (ARN set) is the Secrets Manager value, never the environment default', async () => {
    const store = new CachedSecretStore(fakeApi());
    const deps = depsWith({ SURVEY_LINK_SECRET_ARN: ARN }, store);
    expect(deps.config.deadlines.surveyLinkSecretArn).toBe(ARN);
    expect(await surveyLinkSecret(deps)).toBe('k3y-from-secrets-manager');
    await expect(surveyLinkSecret(depsWith({ SURVEY_LINK_SECRET_ARN: ARN }))).rejects.toThrow(
      /no secret store/,
    );
  });

  it('signs the e-mailed link with the stored key; the environment default does not verify it', async () => {
    const deps = depsWith(
      { SURVEY_LINK_SECRET_ARN: ARN, SURVEY_LINK_BASE_URL: 'https://hotline.test/survey' },
      new CachedSecretStore(fakeApi()),
    );
    const link = await surveyLink(deps, job());
    expect(link).toMatch(/^https:\/\/hotline\.test\/survey\/[\w-]+\.[\w-]+$/);
    const token = link.split('/').pop() ?? '';
    const now = NOW.getTime() / 1000;
    expect(verifySurveyToken(token, 'k3y-from-secrets-manager', now)).toMatchObject({
      t: '1000009',
      j: 'survey-1000009-0',
    });
    expect(() => verifySurveyToken(token, 'local-survey-secret', now)).toThrow(/not valid/);
    const mail = await surveyFallbackMail(deps, job(), 'ada@example.com');
    expect(mail.text).toContain('https://hotline.test/survey/');
  });

  it('a function given the ARN starts reading it when its dependencies are built (cold start), once', async () => {
    sdkRequests.length = 0;
    const deps = createDependencies(
      loadConfig({ TABLE_NAME: 'desk', AWS_REGION: 'eu-west-1', SURVEY_LINK_SECRET_ARN: ARN }),
    );
    await vi.waitFor(() => expect(sdkRequests).toEqual([ARN]));
    expect(await surveyLinkSecret(deps)).toBe(`value of ${ARN} in eu-west-1`);
    expect(await surveyLinkSecret(deps)).toBe(`value of ${ARN} in eu-west-1`);
    expect(sdkRequests).toEqual([ARN]);
    // Without an ARN nothing is read: the key is the environment's.
    createDependencies(loadConfig({ TABLE_NAME: 'desk', SURVEY_LINK_SECRET: 'local' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(sdkRequests).toEqual([ARN]);
  });
});
