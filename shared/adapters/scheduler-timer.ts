import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Timer } from '#shared/ports/timer';

export interface SchedulerTimerOptions {
  readonly client: SchedulerClient;
  readonly groupName: string;
  readonly roleArn?: string;
  readonly deadLetterArn?: string;
  /** Function id -> ARN of the schedule targets. */
  readonly targetArns: Readonly<Record<string, string>>;
}

const isNamed = (error: unknown, name: string): boolean => (error as Error)?.name === name;

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the next whole second (never early). */
export function atExpression(iso: string): string {
  const ms = Math.ceil(Date.parse(iso) / 1000) * 1000;
  return `at(${new Date(ms).toISOString().slice(0, 19)})`;
}

/** Timers as EventBridge Scheduler one-time schedules that delete themselves after firing. */
export class SchedulerTimer implements Timer {
  constructor(private readonly options: SchedulerTimerOptions) {}

  async setTimer(
    name: string,
    at: string,
    target: { readonly functionId: string; readonly input: unknown },
  ): Promise<boolean> {
    const arn = this.options.targetArns[target.functionId];
    if (!arn) throw new Error(`SCHEDULE_TARGET_ARNS has no ARN for ${target.functionId}`);
    if (!this.options.roleArn) throw new Error('SCHEDULER_ROLE_ARN is not set');
    try {
      await this.options.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: arn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify(target.input),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
            ...(this.options.deadLetterArn ? { DeadLetterConfig: { Arn: this.options.deadLetterArn } } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictException || isNamed(error, 'ConflictException')) return false;
      throw error;
    }
  }

  async clearTimer(name: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException || isNamed(error, 'ResourceNotFoundException')) return;
      throw error;
    }
  }

  async hasTimer(name: string): Promise<boolean> {
    try {
      await this.options.client.send(
        new GetScheduleCommand({ Name: name, GroupName: this.options.groupName }),
      );
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFoundException || isNamed(error, 'ResourceNotFoundException'))
        return false;
      throw error;
    }
  }
}
