/**
 * Finds each resource of a bootstrap stack in AWS by what the stack fixes about it: names (buckets,
 * tables, roles, log groups, aliases), the alias of a KMS key (whose ID AWS chose), the Name tag and CIDR
 * of the VPC and, inside that VPC, the subnets, route tables, security groups and endpoints. Each answer
 * is the ID Terraform imports the resource by (provider 5.100.0's import formats).
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient, GetResourcePolicyCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeFlowLogsCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient, paginateListAliases } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { type AccountAccess, accountCredentialOptions, serviceEndpoint } from '../aws/account-credentials';
import { describeAwsError, retryOptions } from '../aws/retry';
import type { Finder, Found, Lookup } from './plan';
import type { StackResource } from './stack';

/** The SDK clients of one account and region. */
export interface RecoverClients {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly iam: IAMClient;
  readonly ec2: EC2Client;
  readonly logs: CloudWatchLogsClient;
  destroy(): void;
}

/** Clients acting as the stack's provider does (profile, role), at `AWS_ENDPOINT_URL[_<SERVICE>]` when set. */
export function recoverClients(access: AccountAccess, region: string, env: NodeJS.ProcessEnv): RecoverClients {
  const common = (service: string) => {
    const endpoint = serviceEndpoint(env, service);
    return { ...accountCredentialOptions(access, region, env), region, ...(endpoint !== undefined ? { endpoint } : {}) };
  };
  const s3Endpoint = serviceEndpoint(env, 'S3');
  const clients = {
    s3: new S3Client({ ...common('S3'), ...retryOptions(env), ...(s3Endpoint !== undefined ? { forcePathStyle: true } : {}) }),
    kms: new KMSClient({ ...common('KMS'), ...retryOptions(env) }),
    dynamodb: new DynamoDBClient({ ...common('DYNAMODB'), ...retryOptions(env) }),
    iam: new IAMClient({ ...common('IAM'), ...retryOptions(env) }),
    ec2: new EC2Client({ ...common('EC2'), ...retryOptions(env) }),
    logs: new CloudWatchLogsClient({ ...common('CLOUDWATCH_LOGS'), ...retryOptions(env) }),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

const missing = (reason: string): Lookup => ({ kind: 'missing', reason });
const found = (importId: string, attrs: Record<string, string> = {}): Lookup => ({
  kind: 'found',
  found: { importId, attrs: { id: importId, ...attrs } } satisfies Found,
});

/** True for the SDK's answer about something that does not exist (each service names it differently). */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    status === 404 ||
    /NotFound|NoSuch|ResourceNotFoundException|^NotFoundException$|InvalidVpcID|InvalidGroup|InvalidSubnet/.test(error.name)
  );
}

/** Runs `lookup`; "does not exist" answers become a missing resource, other errors propagate. */
async function orMissing(what: string, lookup: () => Promise<Lookup>): Promise<Lookup> {
  try {
    return await lookup();
  } catch (error) {
    if (isNotFound(error)) return missing(`${what} does not exist (${describeAwsError(error)})`);
    throw error;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && !value.startsWith('${') ? value : undefined);
const tagName = (config: Readonly<Record<string, unknown>>): string | undefined =>
  text((config.tags as Record<string, unknown> | undefined)?.Name);

/** The one EC2 object a search returns: none is missing, several are ambiguous (nothing is guessed). */
function single<T>(items: readonly T[] | undefined, what: string, id: (item: T) => string | undefined): Lookup {
  const ids = (items ?? []).map(id).filter((value): value is string => value !== undefined);
  if (ids.length === 0) return missing(`no ${what}`);
  if (ids.length > 1)
    return missing(
      `${ids.length} matches for ${what} (${ids.join(', ')}); recover-state does not guess which one the stack created`,
    );
  return found(ids[0] as string);
}

/**
 * The lookup of every resource type the bootstrap stacks create. `resources` is the whole stack: a KMS
 * key is found through the alias of the stack that targets it.
 */
export function awsFinder(clients: RecoverClients, resources: readonly StackResource[]): Finder {
  const { s3, kms, dynamodb, iam, ec2, logs } = clients;
  const filters = (entries: Record<string, string | undefined>): Filter[] =>
    Object.entries(entries).map(([Name, value]) => ({ Name, Values: [value ?? ''] }));

  const bucketPart = async (
    bucket: string | undefined,
    what: string,
    read: (bucket: string) => Promise<boolean>,
  ): Promise<Lookup> => {
    if (bucket === undefined) return missing('its bucket was not found');
    return orMissing(`the ${what} of ${bucket}`, async () =>
      (await read(bucket)) ? found(bucket) : missing(`${bucket} has no ${what}`),
    );
  };

  return async (resource, config) => {
    const name = text(config.name);
    const vpc = text(config.vpc_id);
    switch (resource.type) {
      case 'terraform_data':
        // Terraform's own resource (the pre-deploy checks): no AWS object; any ID imports it, and the
        // provisioner does not run again.
        return found(randomUUID());
      case 'aws_s3_bucket': {
        const bucket = text(config.bucket);
        if (bucket === undefined) return missing('its bucket name is not fixed in the stack');
        return orMissing(`bucket ${bucket}`, async () => {
          await s3.send(new HeadBucketCommand({ Bucket: bucket }));
          return found(bucket, { bucket, arn: `arn:aws:s3:::${bucket}` });
        });
      }
      case 'aws_s3_bucket_versioning':
        return bucketPart(text(config.bucket), 'versioning', async (Bucket) => {
          const out = await s3.send(new GetBucketVersioningCommand({ Bucket }));
          return out.Status !== undefined;
        });
      case 'aws_s3_bucket_server_side_encryption_configuration':
        return bucketPart(text(config.bucket), 'default encryption', async (Bucket) => {
          const out = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
          return (out.ServerSideEncryptionConfiguration?.Rules ?? []).length > 0;
        });
      case 'aws_s3_bucket_public_access_block':
        return bucketPart(text(config.bucket), 'public access block', async (Bucket) => {
          await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
          return true;
        });
      case 'aws_s3_bucket_ownership_controls':
        return bucketPart(text(config.bucket), 'ownership controls', async (Bucket) => {
          await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
          return true;
        });
      case 'aws_s3_bucket_policy':
        return bucketPart(text(config.bucket), 'bucket policy', async (Bucket) => {
          const out = await s3.send(new GetBucketPolicyCommand({ Bucket }));
          return out.Policy !== undefined;
        });
      case 'aws_s3_bucket_lifecycle_configuration':
        return bucketPart(text(config.bucket), 'lifecycle configuration', async (Bucket) => {
          const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
          return (out.Rules ?? []).length > 0;
        });
      case 'aws_s3_bucket_logging':
        return bucketPart(text(config.bucket), 'access logging', async (Bucket) => {
          const out = await s3.send(new GetBucketLoggingCommand({ Bucket }));
          return out.LoggingEnabled !== undefined;
        });
      case 'aws_kms_key': {
        // AWS chose the key's ID; the stack names its alias.
        const reference = new RegExp(`^\\$\\{${resource.address.replace(/[.\\-]/g, '\\$&')}\\.(key_id|arn|id)\\}$`);
        const alias = resources.find(
          (other) => other.type === 'aws_kms_alias' && reference.test(String(other.config.target_key_id)),
        );
        const aliasName = text(alias?.config.name);
        if (aliasName === undefined) return missing('no alias of the stack targets it, so its ID cannot be found');
        return orMissing(`the key of ${aliasName}`, async () => {
          const { KeyMetadata: key } = await kms.send(new DescribeKeyCommand({ KeyId: aliasName }));
          if (key?.KeyId === undefined) return missing(`${aliasName} names no key`);
          if (key.KeyState === 'PendingDeletion')
            return missing(`${aliasName} targets ${key.KeyId}, which is pending deletion; cancel the deletion first`);
          return found(key.KeyId, { key_id: key.KeyId, arn: key.Arn ?? '' });
        });
      }
      case 'aws_kms_alias': {
        if (name === undefined) return missing('its name is not fixed in the stack');
        for await (const page of paginateListAliases({ client: kms }, {})) {
          const alias = page.Aliases?.find((entry) => entry.AliasName === name);
          if (alias !== undefined) {
            const target = text(config.target_key_id);
            if (target !== undefined && alias.TargetKeyId !== target) {
              return missing(`${name} targets ${String(alias.TargetKeyId)}, not the key ${target} found for the stack`);
            }
            return found(name, { name, arn: alias.AliasArn ?? '', target_key_id: alias.TargetKeyId ?? '' });
          }
        }
        return missing(`no alias ${name}`);
      }
      case 'aws_dynamodb_table':
        if (name === undefined) return missing('its name is not fixed in the stack');
        return orMissing(`table ${name}`, async () => {
          const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
          return found(name, { name, arn: Table?.TableArn ?? '' });
        });
      case 'aws_dynamodb_resource_policy': {
        // Imported by the table's ARN (the table is found first and gives it).
        const arn = text(config.resource_arn);
        if (arn === undefined) return missing('its table ARN is not known');
        return orMissing(`the resource policy of ${arn}`, async () => {
          const { Policy } = await dynamodb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
          return Policy !== undefined ? found(arn, { resource_arn: arn }) : missing(`${arn} has no resource policy`);
        });
      }
      case 'aws_cloudwatch_log_group': {
        if (name === undefined) return missing('its name is not fixed in the stack');
        const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        const group = out.logGroups?.find((entry) => entry.logGroupName === name);
        if (group === undefined) return missing(`no log group ${name}`);
        return found(name, { name, arn: (group.arn ?? '').replace(/:\*$/, '') });
      }
      case 'aws_iam_role':
        if (name === undefined) return missing('its name is not fixed in the stack');
        return orMissing(`role ${name}`, async () => {
          const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
          return found(name, { name, arn: Role?.Arn ?? '', unique_id: Role?.RoleId ?? '' });
        });
      case 'aws_iam_role_policy': {
        const role = text(config.role);
        if (role === undefined || name === undefined) return missing('its role was not found');
        return orMissing(`inline policy ${name} of role ${role}`, async () => {
          await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
          return found(`${role}:${name}`);
        });
      }
      case 'aws_iam_role_policy_attachment': {
        const role = text(config.role);
        const policyArn = text(config.policy_arn);
        if (role === undefined || policyArn === undefined) return missing('its role was not found');
        return orMissing(`role ${role}`, async () => {
          const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role, MaxItems: 1000 }));
          const attached = out.AttachedPolicies?.some((policy) => policy.PolicyArn === policyArn) ?? false;
          return attached ? found(`${role}/${policyArn}`) : missing(`${policyArn} is not attached to ${role}`);
        });
      }
      case 'aws_iam_instance_profile':
        if (name === undefined) return missing('its name is not fixed in the stack');
        return orMissing(`instance profile ${name}`, async () => {
          const { InstanceProfile } = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
          return found(name, { name, arn: InstanceProfile?.Arn ?? '' });
        });
      case 'aws_iam_openid_connect_provider': {
        const url = text(config.url);
        if (url === undefined) return missing('its URL is not fixed in the stack');
        const issuer = url.replace(/^https:\/\//, '');
        const out = await iam.send(new ListOpenIDConnectProvidersCommand({}));
        const arn = out.OpenIDConnectProviderList?.map((entry) => entry.Arn).find((candidate) =>
          candidate?.endsWith(`:oidc-provider/${issuer}`),
        );
        return arn !== undefined ? found(arn, { arn }) : missing(`no OIDC provider for ${issuer}`);
      }
      case 'aws_vpc': {
        const out = await ec2.send(
          new DescribeVpcsCommand({
            Filters: filters({ 'tag:Name': tagName(config), 'cidr-block-association.cidr-block': text(config.cidr_block) }),
          }),
        );
        return single(
          out.Vpcs,
          `VPC named ${String(tagName(config))} with CIDR ${String(config.cidr_block)}`,
          (entry) => entry.VpcId,
        );
      }
      case 'aws_subnet': {
        if (vpc === undefined) return missing('its VPC was not found');
        const out = await ec2.send(
          new DescribeSubnetsCommand({ Filters: filters({ 'vpc-id': vpc, 'cidr-block': text(config.cidr_block) }) }),
        );
        return single(out.Subnets, `subnet ${String(config.cidr_block)} in ${vpc}`, (entry) => entry.SubnetId);
      }
      case 'aws_internet_gateway': {
        if (vpc === undefined) return missing('its VPC was not found');
        const out = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: filters({ 'attachment.vpc-id': vpc }) }));
        return single(out.InternetGateways, `internet gateway attached to ${vpc}`, (entry) => entry.InternetGatewayId);
      }
      case 'aws_route_table': {
        if (vpc === undefined) return missing('its VPC was not found');
        const out = await ec2.send(
          new DescribeRouteTablesCommand({ Filters: filters({ 'vpc-id': vpc, 'tag:Name': tagName(config) }) }),
        );
        return single(out.RouteTables, `route table named ${String(tagName(config))} in ${vpc}`, (entry) => entry.RouteTableId);
      }
      case 'aws_route': {
        const table = text(config.route_table_id);
        const destination = text(config.destination_cidr_block);
        if (table === undefined || destination === undefined) return missing('its route table was not found');
        const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table] }));
        const route = out.RouteTables?.[0]?.Routes?.find((entry) => entry.DestinationCidrBlock === destination);
        return route !== undefined ? found(`${table}_${destination}`) : missing(`no route to ${destination} in ${table}`);
      }
      case 'aws_route_table_association': {
        const table = text(config.route_table_id);
        const subnet = text(config.subnet_id);
        if (table === undefined || subnet === undefined) return missing('its route table or subnet was not found');
        const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table] }));
        const association = out.RouteTables?.[0]?.Associations?.find((entry) => entry.SubnetId === subnet);
        return association !== undefined ? found(`${subnet}/${table}`) : missing(`${subnet} is not associated with ${table}`);
      }
      case 'aws_default_security_group':
      case 'aws_security_group': {
        if (vpc === undefined) return missing('its VPC was not found');
        const group = resource.type === 'aws_default_security_group' ? 'default' : name;
        const out = await ec2.send(
          new DescribeSecurityGroupsCommand({ Filters: filters({ 'vpc-id': vpc, 'group-name': group }) }),
        );
        return single(out.SecurityGroups, `security group ${String(group)} in ${vpc}`, (entry) => entry.GroupId);
      }
      case 'aws_vpc_security_group_egress_rule':
      case 'aws_vpc_security_group_ingress_rule': {
        const group = text(config.security_group_id);
        if (group === undefined) return missing('its security group was not found');
        const egress = resource.type === 'aws_vpc_security_group_egress_rule';
        const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: filters({ 'group-id': group }) }));
        const protocol = String(config.ip_protocol);
        const rules = (out.SecurityGroupRules ?? []).filter(
          (rule) =>
            rule.IsEgress === egress &&
            rule.IpProtocol === (protocol === 'all' ? '-1' : protocol) &&
            (config.from_port === undefined || rule.FromPort === config.from_port) &&
            (config.to_port === undefined || rule.ToPort === config.to_port) &&
            rule.CidrIpv4 === text(config.cidr_ipv4) &&
            rule.CidrIpv6 === text(config.cidr_ipv6) &&
            (rule.ReferencedGroupInfo?.GroupId ?? undefined) === text(config.referenced_security_group_id),
        );
        return single(
          rules,
          `${egress ? 'egress' : 'ingress'} rule ${protocol} ${String(config.from_port)}-${String(config.to_port)} of ${group}`,
          (rule) => rule.SecurityGroupRuleId,
        );
      }
      case 'aws_vpc_endpoint': {
        if (vpc === undefined) return missing('its VPC was not found');
        const out = await ec2.send(
          new DescribeVpcEndpointsCommand({ Filters: filters({ 'vpc-id': vpc, 'service-name': text(config.service_name) }) }),
        );
        const live = out.VpcEndpoints?.filter((entry) => entry.State?.toLowerCase() !== 'deleted');
        return single(live, `endpoint for ${String(config.service_name)} in ${vpc}`, (entry) => entry.VpcEndpointId);
      }
      case 'aws_flow_log': {
        if (vpc === undefined) return missing('its VPC was not found');
        const out = await ec2.send(new DescribeFlowLogsCommand({ Filter: filters({ 'resource-id': vpc }) }));
        return single(out.FlowLogs, `flow log of ${vpc}`, (entry) => entry.FlowLogId);
      }
      case 'aws_launch_template': {
        if (name === undefined) return missing('its name is not fixed in the stack');
        return orMissing(`launch template ${name}`, async () => {
          const out = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] }));
          return single(out.LaunchTemplates, `launch template ${name}`, (entry) => entry.LaunchTemplateId);
        });
      }
      default:
        return missing(`recover-state cannot look up a ${resource.type}; import it by hand ("terraform import")`);
    }
  };
}
