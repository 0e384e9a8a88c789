import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { resolveStageConfig } from '#infra/stage-config';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('stage config from context', () => {
  it('defaults to dev, which may be destroyed and logs at debug level', () => {
    const stage = resolveStageConfig(contextOf({ portalOrigin: 'http://localhost:5173' }));
    expect(stage).toMatchObject({
      name: 'dev',
      isProduction: false,
      removalPolicy: RemovalPolicy.DESTROY,
      logLevel: 'DEBUG',
      portalOrigins: ['http://localhost:5173'],
    });
  });

  it('keeps prod resources and accepts several portal origins', () => {
    const stage = resolveStageConfig(
      contextOf({ stage: 'prod', portalOrigin: 'https://portal.hotline.test, https://staff.hotline.test' }),
    );
    expect(stage).toMatchObject({
      name: 'prod',
      isProduction: true,
      removalPolicy: RemovalPolicy.RETAIN,
      portalOrigins: ['https://portal.hotline.test', 'https://staff.hotline.test'],
    });
  });

  it('passes extra function environment through', () => {
    const stage = resolveStageConfig(
      contextOf({
        portalOrigin: 'http://localhost:5173',
        functionEnvironment: { DESK_TIME_ZONE: 'Europe/Berlin' },
      }),
    );
    expect(stage.functionEnvironment).toEqual({ DESK_TIME_ZONE: 'Europe/Berlin' });
  });

  it.each([
    [{ stage: 'staging', portalOrigin: 'https://a.test' }, /"stage" must be one of dev, prod/],
    [{ stage: 'prod' }, /"portalOrigin" is required for stage prod/],
    [{ stage: 'prod', portalOrigin: 'http://localhost:5173' }, /must not be localhost/],
    [{ portalOrigin: 'http://portal.hotline.test' }, /over https/],
    [{ portalOrigin: 'https://portal.hotline.test/app' }, /bare origins/],
    [{ portalOrigin: 'https://a.test', authDomainPrefix: 'Hotline_Dev' }, /"authDomainPrefix"/],
    [{ portalOrigin: 'https://a.test', functionEnvironment: { PORT: 8080 } }, /functionEnvironment\.PORT/],
  ])('refuses %j', (values, message) => {
    expect(() => resolveStageConfig(contextOf(values))).toThrow(message);
  });
});
