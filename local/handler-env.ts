import { functionsTriggeredBy } from '#functions/catalog';
import { DEFAULT_HOTLINE_NUMBER, DEFAULT_INSTANCE_ID } from './connect/emulator';
import { localFlowIds } from './hotline';
import { LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './lambda-host';

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly scheduler: string;
  readonly connect: string;
  readonly ses: string;
}

/**
 * The environment the local runtime gives every handler: the same variables CDK sets when deployed,
 * with local values, plus the AWS SDK's per-service endpoint overrides pointing at the emulators.
 * (A handler never knows which of the two it runs in.) Add a variable here when a handler needs one.
 */
export function localHandlerEnv(
  endpoints: LocalEndpoints,
  tableName: string,
  /** The gateway's own address (its real port): the base of links the desk sends, e.g. the survey page. */
  gatewayUrl = 'http://127.0.0.1:3000',
): Record<string, string> {
  return {
    TABLE_NAME: tableName,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SCHEDULER: endpoints.scheduler,
    AWS_ENDPOINT_URL_CONNECT: endpoints.connect,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    CONNECT_INSTANCE_ID: DEFAULT_INSTANCE_ID,
    HOTLINE_PHONE_NUMBER: DEFAULT_HOTLINE_NUMBER,
    // The ids the local instance gives the hotline's flows (local/hotline.ts), as CDK passes the real ones.
    CONTACT_FLOW_IDS: JSON.stringify(localFlowIds()),
    SCHEDULE_GROUP_NAME: 'default',
    SCHEDULER_ROLE_ARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/complaint-hotline-scheduler`,
    MAIL_FROM: 'complaints@hotline.example.com',
    // Schedule targets by catalog id, as CDK passes them (infra/constructs/scheduling.ts).
    SCHEDULE_TARGET_ARNS: JSON.stringify(
      Object.fromEntries(functionsTriggeredBy('scheduler').map((id) => [id, localFunctionArn(id)])),
    ),
    SUPERVISOR_EMAIL: 'supervisor@hotline.example.com',
    MANAGER_EMAIL: 'manager@hotline.example.com',
    SURVEY_LINK_BASE_URL: `${gatewayUrl}/survey`,
    POWERTOOLS_SERVICE_NAME: 'complaint-hotline',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
}
