import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '#shared/ports/secrets';

/** The one Secrets Manager call used here, so a test can stand in for the service. */
export interface SecretsManagerApi {
  getSecretValue(secretId: string): Promise<{ readonly SecretString?: string | undefined }>;
}

/**
 * Secrets Manager through the AWS SDK: only deployed functions that are given a secret ARN read one (locally
 * the values come from the environment). One SDK client per instance.
 */
export function secretsManagerApi(region: string): SecretsManagerApi {
  const client = new SecretsManagerClient({ region });
  return { getSecretValue: (id) => client.send(new GetSecretValueCommand({ SecretId: id })) };
}

/**
 * Each secret is read once per instance (a warm Lambda keeps it in memory); concurrent first reads share
 * one request, and a failed read is not kept, so the next request tries again.
 */
export class CachedSecretStore implements SecretStore {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly api: SecretsManagerApi) {}

  secretString(secretId: string): Promise<string> {
    let value = this.cache.get(secretId);
    if (!value) {
      value = this.read(secretId);
      this.cache.set(secretId, value);
      value.catch(() => this.cache.delete(secretId));
    }
    return value;
  }

  private async read(secretId: string): Promise<string> {
    const { SecretString } = await this.api.getSecretValue(secretId);
    if (!SecretString) throw new Error(`Secret ${secretId} has no string value`);
    return SecretString;
  }
}
