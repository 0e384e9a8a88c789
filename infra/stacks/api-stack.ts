import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
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
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { functions, type RouteSpec, routes } from '#functions/catalog';
import { AppFunction } from '#infra/constructs/app-function';
import { HttpApiAccessLog } from '#infra/constructs/http-api-access-log';
import type { StageConfig } from '#infra/stage-config';

export interface ApiStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly table: ITable;
  readonly userPool: IUserPool;
  readonly portalClient: IUserPoolClient;
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
 * The stateless part: one Lambda per catalog function and the HTTP API with the catalog's routes.
 * Staff routes need a user pool JWT; public routes are open but throttled per route.
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** Every catalog function, by id, for later constructs (contact flows, schedules) to reference. */
  readonly functions: ReadonlyMap<string, AppFunction>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage, table } = props;

    const appFunctions = new Map<string, AppFunction>();
    for (const spec of functions) {
      appFunctions.set(spec.id, new AppFunction(this, spec.id, { spec, stage, table }));
    }
    this.functions = appFunctions;

    this.api = new HttpApi(this, 'HttpApi', {
      description: `Complaint hotline API (${stage.name})`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...stage.portalOrigins],
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
      userPoolClients: [props.portalClient],
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
  }
}
