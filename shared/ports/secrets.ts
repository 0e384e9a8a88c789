/** Secrets of the deployment (Secrets Manager), read once per instance and kept in memory. */
export interface SecretStore {
  /** The secret's string value; rejects when it cannot be read or is empty (never a default). */
  secretString(secretId: string): Promise<string>;
}
