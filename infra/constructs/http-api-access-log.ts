import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type IAccessLogSettings, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '#infra/stage-config';

/**
 * One JSON line per request. The route key is logged instead of the path, and no query string,
 * so ticket numbers and phone digits of public lookups stay out of the access log.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  staffUser: '$context.authorizer.claims.sub',
} as const;

export interface HttpApiAccessLogProps {
  readonly stage: StageConfig;
}

/** The access log group of an HTTP API stage, with the stage's retention. */
export class HttpApiAccessLog extends Construct {
  readonly logGroup: LogGroup;
  readonly settings: IAccessLogSettings;

  constructor(scope: Construct, id: string, props: HttpApiAccessLogProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    this.settings = {
      destination: new LogGroupLogDestination(this.logGroup),
      format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
    };
  }
}
