import { Arn, Aws, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { recurringSchedules, scheduleTimeZone } from '#functions/catalog';
import { scheduleGrants, schedulerRoleActions } from '#infra/iam-needs';
import type { StageConfig } from '#infra/stage-config';
import { type FunctionNeeds, functionNeeds } from '#infra/wiring';
import type { AppFunction } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';
import { acknowledgeWildcardResource } from './nag-acknowledgements';

/** How often the sweep looks for overdue deadlines whose schedule was lost. */
export const sweepRate = Duration.minutes(5);

/** Retries Scheduler makes before a delivery goes to the dead-letter queue, and for how long. */
export const schedulerRetry = { retryAttempts: 10, maxEventAge: Duration.hours(2) } as const;

/** Physical name of a function other functions schedule: `<stack>-<id>`, so its ARN is known before it exists. */
export function scheduleTargetName(stack: Stack, functionId: string): string {
  const name = `${stack.stackName}-${functionId}`;
  if (name.length > 64) throw new Error(`Function name ${name} is longer than Lambda's 64 characters`);
  return name;
}

export function scheduleTargetArn(stack: Stack, functionId: string): string {
  return `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${scheduleTargetName(stack, functionId)}`;
}

/** Invokes a function whose invoke permission the scheduler role already has, scoped to the exact ARN. */
class InvokeScheduledFunction extends ScheduleTargetBase {
  protected addTargetActionToRole(_role: IRole): void {
    // Granted once per function by Scheduling, without the `:*` qualifier wildcard of grantInvoke.
  }
}

export interface SchedulingProps {
  readonly stage: StageConfig;
  /** Every catalog function: those with trigger `scheduler` become targets; `functionNeeds` says who schedules. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** Functions run every `sweepRate`; default every scheduler-triggered function whose id contains `Sweep`. */
  readonly sweepFunctionIds?: readonly string[];
  /** Default infra/wiring.ts `functionNeeds`. */
  readonly needs?: Readonly<Record<string, FunctionNeeds>>;
  /** The staff portal's origin: PORTAL_URL of functions with recurring schedules (links in report e-mails). */
  readonly portalUrl?: string;
}

/**
 * EventBridge Scheduler for deadlines, callbacks and retries: one schedule group, the role Scheduler assumes
 * (invoke of the `scheduler`-triggered functions only, send to the dead-letter queue), the dead-letter queue
 * for deliveries that failed for good, the periodic sweep, and the grants + environment of each function that
 * manages schedules (infra/wiring.ts).
 */
export class Scheduling extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly deadLetters: DeadLetterQueue;
  /** Function id -> ARN of every schedule target. */
  readonly targetArns: Readonly<Record<string, string>>;
  readonly sweeps: readonly Schedule[];
  /** The catalog's recurring schedules (functions/catalog.ts `schedules`), by `<functionId>-<name>`. */
  readonly recurring: ReadonlyMap<string, Schedule>;

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.group = new ScheduleGroup(this, 'Group', { removalPolicy: props.stage.removalPolicy });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', { purpose: 'Scheduler deliveries' });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Assumed by EventBridge Scheduler to run the hotline schedules',
    });
    this.deadLetters.queue.grantSendMessages(this.role);

    const targets = [...props.functions.values()].filter((fn) => fn.spec.triggers?.includes('scheduler'));
    const targetArns: Record<string, string> = {};
    for (const fn of targets) targetArns[fn.spec.id] = scheduleTargetArn(stack, fn.spec.id);
    this.targetArns = targetArns;
    if (targets.length > 0) {
      this.role.addToPolicy(
        new PolicyStatement({
          actions: [...schedulerRoleActions.invokeTargets],
          resources: Object.values(targetArns),
        }),
      );
    }

    const sweepIds =
      props.sweepFunctionIds ?? targets.map((t) => t.spec.id).filter((fid) => fid.includes('Sweep'));
    this.sweeps = sweepIds.map((sweepId) => {
      const arn = targetArns[sweepId];
      if (!arn)
        throw new Error(`Sweep function ${sweepId} is not a catalog function with trigger 'scheduler'`);
      return new Schedule(this, `Sweep-${sweepId}`, {
        description: `Every ${sweepRate.toMinutes()} minutes: repair lost deadline schedules (${sweepId})`,
        schedule: ScheduleExpression.rate(sweepRate),
        scheduleGroup: this.group,
        target: new InvokeScheduledFunction(
          { role: this.role, deadLetterQueue: this.deadLetters.queue, ...schedulerRetry },
          arn,
        ),
      });
    });

    // The calendar ones (weekly report ...), in the desk's time zone where they say `desk`.
    const recurring = new Map<string, Schedule>();
    const specs = [...props.functions.values()].map((fn) => fn.spec);
    for (const { functionId, schedule } of recurringSchedules(specs)) {
      const arn = targetArns[functionId];
      if (!arn) throw new Error(`${functionId} has schedules but is not a function with trigger 'scheduler'`);
      const zone = scheduleTimeZone(schedule, props.stage.functionEnvironment);
      const fn = props.functions.get(functionId);
      if (props.portalUrl && fn) fn.function.addEnvironment('PORTAL_URL', props.portalUrl);
      recurring.set(
        `${functionId}-${schedule.name}`,
        new Schedule(this, `Recurring-${functionId}-${schedule.name}`, {
          description: `${schedule.description} (${functionId})`,
          schedule: ScheduleExpression.expression(schedule.expression, zone ? TimeZone.of(zone) : undefined),
          scheduleGroup: this.group,
          target: new InvokeScheduledFunction(
            {
              role: this.role,
              deadLetterQueue: this.deadLetters.queue,
              input: ScheduleTargetInput.fromObject(schedule.input),
              ...schedulerRetry,
            },
            arn,
          ),
        }),
      );
    }
    this.recurring = recurring;

    for (const [functionId, fn] of props.functions) {
      // What shared/adapters/scheduler-timer.ts calls for this function (infra/iam-needs.ts), and no more: the
      // group's grants would add UpdateSchedule and ListSchedules.
      const { own, implied } = scheduleGrants((props.needs ?? functionNeeds)[functionId]);
      if (own.length === 0) continue;
      const groupSchedules = Arn.format(
        {
          partition: Aws.PARTITION,
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${this.group.scheduleGroupName}/*`,
        },
        stack,
      );
      fn.function.addToRolePolicy(
        new PolicyStatement({
          actions: own,
          resources: [groupSchedules],
        }),
      );
      // CreateSchedule names the scheduler role: passing it is part of the need (iam-needs.ts impliedActions).
      if (implied.length > 0)
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: implied, resources: [this.role.roleArn] }),
        );
      fn.function.addEnvironment('SCHEDULE_GROUP_NAME', this.group.scheduleGroupName);
      fn.function.addEnvironment('SCHEDULER_ROLE_ARN', this.role.roleArn);
      fn.function.addEnvironment('SCHEDULER_DLQ_ARN', this.deadLetters.queue.queueArn);
      fn.function.addEnvironment('SCHEDULE_TARGET_ARNS', stack.toJsonString(targetArns));
      acknowledgeWildcardResource(
        fn.role,
        groupSchedules,
        'Schedules are named per ticket and deadline at run time; access stays within the app schedule group.',
      );
    }
  }
}
