// Asks AWS whether each named resource of a stack exists (see check.ts); the SDK clients are those
// recover-state uses, acting as the stack's provider does.
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeLaunchTemplatesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRoleCommand, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { RecoverClients } from '../recover/finders';
import type { NamedResource } from './check';

type Clients = Pick<RecoverClients, 'ec2' | 'iam' | 'logs' | 'kms'>;

/** True for the SDK's answer about something that does not exist (each service names it differently). */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // EC2 names a missing launch template InvalidLaunchTemplateName.NotFoundException.
  return status === 404 || /NotFound|NoSuch/.test(error.name);
}

async function exists(lookup: () => Promise<boolean>): Promise<boolean> {
  try {
    return await lookup();
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Whether AWS has the resource; rejects on anything but "does not exist" (the check then refuses). */
export async function resourceExists(clients: Clients, resource: NamedResource): Promise<boolean> {
  const { name } = resource;
  switch (resource.kind) {
    case 'vpc':
      return exists(async () => {
        const out = await clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] }));
        return (out.Vpcs ?? []).length > 0;
      });
    case 'role':
      return exists(async () => (await clients.iam.send(new GetRoleCommand({ RoleName: name }))).Role !== undefined);
    case 'instance-profile':
      return exists(
        async () =>
          (await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }))).InstanceProfile !== undefined,
      );
    case 'log-group':
      return exists(async () => {
        let nextToken: string | undefined;
        do {
          const out = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }));
          if ((out.logGroups ?? []).some((group) => group.logGroupName === name)) return true;
          nextToken = out.nextToken;
        } while (nextToken !== undefined);
        return false;
      });
    case 'policy':
      // Customer-managed policies only: the stack's boundary is one (its ARN needs the account's ID).
      return exists(async () => {
        let marker: string | undefined;
        do {
          const out = await clients.iam.send(new ListPoliciesCommand({ Scope: 'Local', Marker: marker }));
          if ((out.Policies ?? []).some((policy) => policy.PolicyName === name)) return true;
          marker = out.IsTruncated === true ? out.Marker : undefined;
        } while (marker !== undefined);
        return false;
      });
    case 'launch-template':
      return exists(async () => {
        const out = await clients.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] }));
        return (out.LaunchTemplates ?? []).length > 0;
      });
    case 'kms-alias':
      return exists(async () => (await clients.kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata !== undefined);
  }
}

/** The text of a state object in S3; undefined when there is none. */
export async function readS3State(s3: RecoverClients['s3'], bucket: string, key: string): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body !== undefined ? await out.Body.transformToString() : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
