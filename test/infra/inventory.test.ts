import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildWiredTestApp } from './support';

/** Every kind of resource each stack may hold: a new kind is a deliberate change, reviewed here. */
const expectedTypes = {
  stateful: [
    'AWS::CloudFront::Distribution',
    'AWS::CloudFront::OriginAccessControl',
    'AWS::CloudFront::ResponseHeadersPolicy',
    'AWS::Cognito::UserPool',
    'AWS::Cognito::UserPoolClient',
    'AWS::Cognito::UserPoolDomain',
    'AWS::Cognito::UserPoolGroup',
    'AWS::Connect::Instance',
    'AWS::Connect::PhoneNumber',
    'AWS::DynamoDB::Table',
    // The custom resource that empties the dev portal buckets on stack deletion (aws-cdk-lib's).
    'AWS::IAM::Role',
    'AWS::Lambda::Function',
    'AWS::Logs::LogGroup',
    'AWS::S3::Bucket',
    'AWS::S3::BucketPolicy',
    'Custom::S3AutoDeleteObjects',
  ],
  api: [
    'AWS::ApiGatewayV2::Api',
    'AWS::ApiGatewayV2::Authorizer',
    'AWS::ApiGatewayV2::Integration',
    'AWS::ApiGatewayV2::Route',
    'AWS::ApiGatewayV2::Stage',
    'AWS::CloudWatch::Alarm',
    'AWS::CloudWatch::Dashboard',
    'AWS::Connect::ContactFlow',
    'AWS::Connect::HoursOfOperation',
    'AWS::Connect::IntegrationAssociation',
    'AWS::Connect::Queue',
    'AWS::Connect::RoutingProfile',
    'AWS::Events::Rule',
    'AWS::IAM::Policy',
    'AWS::IAM::Role',
    'AWS::Lambda::EventInvokeConfig',
    // The table stream -> Reactor (infra/constructs/table-reactor.ts).
    'AWS::Lambda::EventSourceMapping',
    'AWS::Lambda::Function',
    'AWS::Lambda::Permission',
    'AWS::Logs::LogGroup',
    // Calls the dialer started, from its log line, for the dashboard (infra/constructs/operations.ts).
    'AWS::Logs::MetricFilter',
    'AWS::SES::EmailIdentity',
    'AWS::SNS::Topic',
    'AWS::SNS::TopicPolicy',
    'AWS::SQS::Queue',
    'AWS::SQS::QueuePolicy',
    'AWS::Scheduler::Schedule',
    'AWS::Scheduler::ScheduleGroup',
    // The generated key of the e-mailed survey links (infra/constructs/survey-link-secret.ts).
    'AWS::SecretsManager::Secret',
    'Custom::AWS',
  ],
};

describe('resource inventory (catalog + functions that schedule, dial and mail)', () => {
  const hotline = buildWiredTestApp();
  const typesOf = (template: Template) =>
    [
      ...new Set(
        Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type),
      ),
    ]
      .filter((t) => t !== 'AWS::CDK::Metadata')
      .sort();

  it('stateful stack: table, user pool, Connect instance, number, flow logs, portal hosting', () => {
    expect(typesOf(Template.fromStack(hotline.stateful))).toEqual(expectedTypes.stateful);
  });

  it('stateless stack: functions, API, contact centre, Scheduler, events, table stream, SES, operations', () => {
    expect(typesOf(Template.fromStack(hotline.api))).toEqual(expectedTypes.api);
  });

  it('keeps the stateless stack well under the CloudFormation limit of 500 resources', () => {
    const count = Object.keys(Template.fromStack(hotline.api).toJSON().Resources).length;
    // About 400 today (84 alarms, 65 routes, 36 functions with role, policy and log group each). Past 450, move
    // the operations construct (alarms, dashboard) into a stack of its own before adding more.
    expect(count).toBeLessThan(450);
  });
});
