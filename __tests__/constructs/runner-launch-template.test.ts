import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Testing } from 'cdktf';
import { RunnerLaunchTemplate, type RunnerLaunchTemplateProps } from '../../src/constructs/runner-launch-template';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function template(props: Partial<RunnerLaunchTemplateProps> = {}): Record<string, unknown> {
  const synthesized = Testing.synthScope((scope) => {
    new RunnerLaunchTemplate(scope, 'runner-launch-template', {
      name: 'acme-pipeline-runner',
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/acme-pipeline-runner',
      securityGroupId: 'sg-123',
      ...props,
    });
  });
  const json = JSON.parse(synthesized) as { resource: Resources };
  const [found] = Object.values(json.resource[LaunchTemplate.tfResourceType] ?? {});
  if (found === undefined) throw new Error('no launch template');
  return found;
}

describe('RunnerLaunchTemplate', () => {
  const defaults = template();

  test('uses the instance profile and the security group on the primary interface', () => {
    expect(defaults.iam_instance_profile).toEqual({ arn: 'arn:aws:iam::123456789012:instance-profile/acme-pipeline-runner' });
    expect(defaults.network_interfaces).toEqual([
      expect.objectContaining({ device_index: 0, security_groups: ['sg-123'] }) as unknown,
    ]);
    expect(defaults).not.toHaveProperty('vpc_security_group_ids');
  });

  test('requires IMDSv2 tokens with a hop limit of 1', () => {
    expect(defaults.metadata_options).toEqual({
      http_endpoint: 'enabled',
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
    });
  });

  test('encrypts the root volume (/dev/xvda by default)', () => {
    expect(defaults.block_device_mappings).toEqual([
      { device_name: '/dev/xvda', ebs: { encrypted: 'true', volume_type: 'gp3', delete_on_termination: 'true' } },
    ]);
    expect(template({ rootDeviceName: '/dev/sda1' }).block_device_mappings).toEqual([
      expect.objectContaining({ device_name: '/dev/sda1' }) as unknown,
    ]);
  });

  test('no public IP by default, one only when asked (public subnet)', () => {
    expect(defaults.network_interfaces).toEqual([expect.objectContaining({ associate_public_ip_address: 'false' }) as unknown]);
    expect(template({ associatePublicIpAddress: true }).network_interfaces).toEqual([
      expect.objectContaining({ associate_public_ip_address: 'true' }) as unknown,
    ]);
  });

  test('instance type t3.small and no AMI by default; both from props when given', () => {
    expect(defaults.instance_type).toBe('t3.small');
    expect(defaults).not.toHaveProperty('image_id');
    const custom = template({ instanceType: 'm7g.large', amiId: 'ami-0123456789abcdef0' });
    expect(custom.instance_type).toBe('m7g.large');
    expect(custom.image_id).toBe('ami-0123456789abcdef0');
  });

  test('is named and tags the instances and volumes it launches', () => {
    expect(defaults.name).toBe('acme-pipeline-runner');
    expect(defaults.tag_specifications).toEqual([
      { resource_type: 'instance', tags: { Name: 'acme-pipeline-runner' } },
      { resource_type: 'volume', tags: { Name: 'acme-pipeline-runner' } },
    ]);
  });
});
