import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnPolicy, type Role } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

interface PolicyStatementJson {
  readonly Resource?: unknown;
}

/**
 * Acknowledge AwsSolutions-IAM5 for exactly one resource: `<table ARN>/index/*`, which CDK's table
 * grants add so a function can query the table's own indexes. cdk-nag 3 wants the exact finding id,
 * and that id contains the table ARN as the consuming stack finally renders it (a cross-stack
 * reference), so the acknowledgement is made once references are resolved: construct validation
 * runs after that and before the validation plugins. Any other wildcard still fails the synth.
 */
export function acknowledgeTableIndexGrant(role: Role, table: ITable, reason: string): void {
  acknowledgeWildcardResource(role, `${table.tableArn}/index/*`, reason);
}

/**
 * Acknowledge AwsSolutions-IAM5 for exactly one wildcard resource (which may contain tokens) in the
 * default policy of `role`, once references are resolved (see acknowledgeTableIndexGrant). Any other
 * wildcard in the policy still fails the synth.
 */
export function acknowledgeWildcardResource(role: Role, resourceArn: string, reason: string): void {
  role.node.addValidation({
    validate: () => {
      const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
      if (!(policy instanceof CfnPolicy)) return [];
      const stack = Stack.of(policy);
      const indexArns = JSON.stringify(stack.resolve(resourceArn));
      const document = stack.resolve(policy.policyDocument) as { Statement?: PolicyStatementJson[] };
      for (const statement of document.Statement ?? []) {
        for (const resource of [statement.Resource].flat()) {
          if (JSON.stringify(resource) !== indexArns) continue;
          Validations.of(policy).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(resource)}]`,
            reason,
          });
        }
      }
      return [];
    },
  });
}
