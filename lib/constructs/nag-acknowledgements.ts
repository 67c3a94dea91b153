import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges `AwsSolutions-IAM5` for one wildcard resource only (the cdk-nag v2 `appliesTo`
 * form, `AwsSolutions-IAM5[Resource::<flattened resource>]`), on `scope` and everything under it.
 *
 * The finding id is the resource exactly as cdk-nag flattens it from the synthesized policy. A
 * resource that points into another stack only gets its final form (an import or
 * Fn::GetStackOutput) once cross-stack references are resolved, so the id is computed then: in
 * a construct validation, which CDK runs after resolving references and before the cdk-nag
 * plugins. Any other wildcard in the same policy is still reported.
 *
 * `reason` may be a function: it is then read at that same point, so a construct can collect
 * the reasons of every statement that uses the resource (e.g. X-Ray and SMS both need "*").
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string | (() => string)): void {
  scope.node.addValidation({
    validate: () => {
      const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
      const text = typeof reason === 'function' ? reason() : reason;
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason: text });
      return [];
    },
  });
}
