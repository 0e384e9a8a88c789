/**
 * `npm run preflight -- --region <region> [--profile <name>] [--stage dev|prod] [-c key=value ...]`:
 * checks an AWS account before `cdk deploy` (ops/preflight/run.ts). Read-only.
 */
import { fileURLToPath } from 'node:url';
import { ConnectClient } from '@aws-sdk/client-connect';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { STSClient } from '@aws-sdk/client-sts';
import { readProjectContext } from './arguments';
import { runCli } from './run';
import type { PreflightClients, PreflightTarget } from './target';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The SDK reads the named profile (credentials, SSO) itself through its `profile` client option. */
function awsClients({ region, profile }: Pick<PreflightTarget, 'region' | 'profile'>): PreflightClients {
  const config = { region, maxAttempts: 3, ...(profile ? { profile } : {}) };
  return {
    sts: new STSClient(config),
    quotas: new ServiceQuotasClient(config),
    connect: new ConnectClient(config),
    ses: new SESv2Client(config),
  };
}

process.exitCode = await runCli(process.argv.slice(2), {
  clientsFor: awsClients,
  projectContext: () => readProjectContext(projectRoot),
  print: (text) => console.log(text),
  printError: (text) => console.error(text),
});
