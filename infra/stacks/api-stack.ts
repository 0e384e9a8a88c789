import { CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type FunctionSpec, functions, type RouteSpec, routes } from '#functions/catalog';
import { requireConnectRegion, warnAboveDefaultQuotas } from '#infra/connect-regions';
import { AppFunction } from '#infra/constructs/app-function';
import { ContactCenter } from '#infra/constructs/contact-center';
import { ContactEvents } from '#infra/constructs/contact-events';
import { HttpApiAccessLog } from '#infra/constructs/http-api-access-log';
import { Mail } from '#infra/constructs/mail';
import { acknowledgeWildcardResource } from '#infra/constructs/nag-acknowledgements';
import { Operations } from '#infra/constructs/operations';
import { PortalDeployment } from '#infra/constructs/portal-deployment';
import { Scheduling, scheduleTargetName } from '#infra/constructs/scheduling';
import { SurveyLinkSecret } from '#infra/constructs/survey-link-secret';
import { TableReactor } from '#infra/constructs/table-reactor';
import { callGrants } from '#infra/iam-needs';
import type { StageConfig } from '#infra/stage-config';
import { checkFunctionNeeds, type FunctionNeeds, functionNeeds } from '#infra/wiring';

export interface ApiStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly table: ITable;
  readonly userPool: IUserPool;
  readonly portalClient: IUserPoolClient;
  /** The smoke test's client (stateful stack, `npm run smoke`): its tokens are accepted too. */
  readonly smokeClient?: IUserPoolClient;
  /** The staff portal's hosting (stateful stack): the API lets its origin call, and the built portal goes there. */
  readonly portal: {
    readonly bucket: IBucket;
    readonly distribution: IDistribution;
    /** `https://<distribution domain>`. */
    readonly origin: string;
    /** The built portal (web/dist). */
    readonly distDir: string;
    /** A missing build fails the synth (false: context `portal=false`, deployed without the portal). */
    readonly required?: boolean;
  };
  /** The Connect instance of the stateful stack (created or imported). */
  readonly connectInstanceArn: string;
  /** True when the instance was imported by context rather than created. */
  readonly importedConnectInstance: boolean;
  /** The claimed hotline number, when one is claimed. */
  readonly phoneNumber?: { readonly arn: string; readonly address: string };
  /** The functions to deploy; default functions/catalog.ts. */
  readonly functionSpecs?: readonly FunctionSpec[];
  /** What each function needs; default infra/wiring.ts. */
  readonly functionNeeds?: Readonly<Record<string, FunctionNeeds>>;
}

/** `GET /api/tickets/{id}` -> `GetApiTicketsId`: a stable construct id per route. */
export function routeConstructId(route: Pick<RouteSpec, 'method' | 'path'>): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const pascal = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  return [route.method.toLowerCase(), ...words].map(pascal).join('');
}

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * The stateless part, all of it rebuildable from code: one Lambda per catalog function, the HTTP API with
 * the catalog's routes (staff routes need a user pool JWT; public routes are open but throttled per route),
 * the contact centre (hours, queues, flows, Lambda integrations), Scheduler, the Connect contact event rule,
 * the SES sender, alarms and the dashboard. One stack, because functions and the resources that invoke them
 * reference each other (flows name Lambda ARNs; the dialer names flow ids).
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** Every catalog function, by id, for later constructs (contact flows, schedules) to reference. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  readonly contactCenter: ContactCenter;
  readonly scheduling: Scheduling;
  readonly contactEvents: ContactEvents;
  /** The table stream's event source mappings (trigger `tableStream`) and their failure queues. */
  readonly tableReactor: TableReactor;
  readonly mail: Mail;
  /** The generated key of the e-mailed survey links (Secrets Manager). */
  readonly surveyLinkSecret: SurveyLinkSecret;
  readonly operations: Operations;
  readonly portalDeployment: PortalDeployment;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    requireConnectRegion(this);
    warnAboveDefaultQuotas(this, props.stage.functionEnvironment);
    const { stage, table } = props;

    const specs: readonly FunctionSpec[] = props.functionSpecs ?? functions;
    const needs = props.functionNeeds ?? functionNeeds;
    checkFunctionNeeds(needs, specs);
    const appFunctions = new Map<string, AppFunction>();
    // Their own scope, so a function id never clashes with a construct of this stack (e.g. ContactEvents).
    const functionScope = new Construct(this, 'Functions');
    for (const spec of specs) {
      const scheduled = spec.triggers?.includes('scheduler') ?? false;
      appFunctions.set(
        spec.id,
        new AppFunction(functionScope, spec.id, {
          spec,
          stage,
          table,
          ...(scheduled ? { functionName: scheduleTargetName(this, spec.id) } : {}),
        }),
      );
    }
    this.functions = appFunctions;

    this.api = new HttpApi(this, 'HttpApi', {
      description: `Complaint hotline API (${stage.name})`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.portal.origin, ...stage.portalOrigins],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.PATCH,
          CorsHttpMethod.DELETE,
        ],
        // What the portal sends and must read: see functions/api and shared/http/api.ts.
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-correlation-id'],
        exposeHeaders: ['etag', 'location', 'x-correlation-id', 'idempotent-replayed'],
        allowCredentials: false,
        maxAge: Duration.hours(1),
      },
    });

    const accessLog = new HttpApiAccessLog(this, 'AccessLog', { stage });
    this.apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: stage.apiThrottle,
      accessLogSettings: accessLog.settings,
    });

    const staffAuthorizer = new HttpUserPoolAuthorizer('StaffJwt', props.userPool, {
      userPoolClients: [props.portalClient, ...(props.smokeClient ? [props.smokeClient] : [])],
      identitySource: ['$request.header.Authorization'],
    });
    const noAuthorizer = new HttpNoneAuthorizer();

    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (functionId: string): HttpLambdaIntegration => {
      let integration = integrations.get(functionId);
      if (!integration) {
        const fn = appFunctions.get(functionId);
        if (!fn) throw new Error(`Route refers to function ${functionId}, which is not in the catalog`);
        // One invoke permission per function for this API, rather than one per route (Lambda policy size).
        integration = new HttpLambdaIntegration(`${functionId}Integration`, fn.function, {
          scopePermissionToRoute: false,
        });
        integrations.set(functionId, integration);
      }
      return integration;
    };

    const publicRouteSettings: Record<string, CfnStage.RouteSettingsProperty> = {};
    const publicRoutes: HttpRoute[] = [];
    for (const spec of routes) {
      const authorizer: IHttpRouteAuthorizer = spec.auth === 'jwt' ? staffAuthorizer : noAuthorizer;
      const route = new HttpRoute(this, `Route${routeConstructId(spec)}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(spec.path, HttpMethod[spec.method]),
        integration: integrationFor(spec.functionId),
        authorizer,
      });
      if (spec.auth === 'public') {
        publicRoutes.push(route);
        publicRouteSettings[routeKey(spec)] = {
          throttlingRateLimit: stage.publicRouteThrottle.rateLimit,
          throttlingBurstLimit: stage.publicRouteThrottle.burstLimit,
        };
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public by design (status by ticket number and phone digits, API description); throttled per route.',
        });
      }
    }

    // The L2 stage has no per-route settings; a route key must exist before the stage names it.
    const cfnStage = this.apiStage.node.defaultChild as CfnStage;
    if (publicRoutes.length > 0) {
      cfnStage.routeSettings = publicRouteSettings;
      for (const route of publicRoutes) cfnStage.node.addDependency(route);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url });

    this.portalDeployment = new PortalDeployment(this, 'PortalDeployment', {
      stage,
      distDir: props.portal.distDir,
      required: props.portal.required ?? true,
      bucket: props.portal.bucket,
      distribution: props.portal.distribution,
      portalOrigin: props.portal.origin,
      // `https://<id>.execute-api.<region>.amazonaws.com/`: the portal appends `/api/...`.
      apiBase: `https://${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      userPoolId: props.userPool.userPoolId,
      clientId: props.portalClient.userPoolClientId,
    });

    this.contactCenter = new ContactCenter(this, 'ContactCenter', {
      stage,
      instanceArn: props.connectInstanceArn,
      importedInstance: props.importedConnectInstance,
      ...(props.phoneNumber ? { phoneNumber: props.phoneNumber } : {}),
      functions: appFunctions,
    });
    this.scheduling = new Scheduling(this, 'Scheduling', {
      stage,
      functions: appFunctions,
      needs,
      portalUrl: props.portal.origin,
    });
    this.contactEvents = new ContactEvents(this, 'ContactEvents', {
      instanceArn: props.connectInstanceArn,
      functions: appFunctions,
    });
    // The table arrives as the stateful stack's Table: its stream ARN is one more reference Api -> Stateful.
    this.tableReactor = new TableReactor(this, 'TableReactor', { table, functions: appFunctions });
    this.mail = new Mail(this, 'Mail', {
      senderEmail: stage.senderEmail,
      senderIdentityExists: stage.senderIdentityExists,
      functions: appFunctions,
      needs,
    });
    this.surveyLinkSecret = new SurveyLinkSecret(this, 'SurveyLinkSecret', {
      functions: appFunctions,
      needs,
      removalPolicy: stage.removalPolicy,
      // The e-mailed survey links open the page the HTTP API serves at /survey/{token}.
      linkBaseUrl: `https://${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}/survey`,
      functionEnvironment: stage.functionEnvironment,
    });
    this.wireOutboundCalls(props.connectInstanceArn, props.phoneNumber, needs);
    // Last: it alarms on every dead-letter queue created above.
    this.operations = new Operations(this, 'Operations', {
      stage,
      functions: appFunctions,
      apiStage: this.apiStage,
      connectInstanceId: this.contactCenter.instanceId,
    });
  }

  /** Functions that use outbound contacts (`needs.calls`): Connect ids in the environment, their actions on this instance. */
  private wireOutboundCalls(
    instanceArn: string,
    phoneNumber: ApiStackProps['phoneNumber'],
    needs: Readonly<Record<string, FunctionNeeds>>,
  ): void {
    // `.../instance/<instance id>/contact-flow/<flow id>` and `.../instance/<id>/queue/<queue id>`
    const idOf = (arn: string) => Fn.select(3, Fn.split('/', arn));
    const flowIds = Object.fromEntries(
      [...this.contactCenter.flows].map(([name, flow]) => [name, idOf(flow.attrContactFlowArn)]),
    );
    const queueIds = Object.fromEntries(
      [...this.contactCenter.queues].map(([name, queue]) => [name, idOf(queue.attrQueueArn)]),
    );
    for (const [functionId, fn] of this.functions) {
      const actions = callGrants(needs[functionId]);
      if (actions.length === 0) continue;
      if (fn.spec.triggers?.includes('contactFlow')) {
        // Its environment would name the flows, and the flows name it: CloudFormation cannot order that.
        throw new Error(
          `${functionId} both uses outbound contacts (needs.calls) and is invoked by a contact flow; split it into two functions`,
        );
      }
      fn.function.addEnvironment('CONNECT_INSTANCE_ID', this.contactCenter.instanceId);
      if (phoneNumber) fn.function.addEnvironment('HOTLINE_PHONE_NUMBER', phoneNumber.address);
      fn.function.addEnvironment('CONTACT_FLOW_IDS', this.toJsonString(flowIds));
      fn.function.addEnvironment('CONNECT_QUEUE_IDS', this.toJsonString(queueIds));
      fn.role.addToPolicy(
        new PolicyStatement({
          actions,
          resources: [`${instanceArn}/contact/*`],
        }),
      );
      acknowledgeWildcardResource(
        fn.role,
        `${instanceArn}/contact/*`,
        'Outbound contacts get their ids when started; access stays within the hotline Connect instance.',
      );
    }
  }
}
