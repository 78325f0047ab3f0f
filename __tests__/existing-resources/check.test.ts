import {
  decideExisting,
  type NamedResource,
  parseResourceArgument,
  recordedNames,
  resourceArgument,
} from '../../src/existing-resources/check';
import { resourceExists } from '../../src/existing-resources/probe';

const VPC: NamedResource = { kind: 'vpc', name: 'acme-pipeline-vpc' };
const ROLE: NamedResource = { kind: 'role', name: 'acme-pipeline-runner' };
const OPTIONS = { stack: 'pipeline-prod', stateLocation: '/p/terraform-state/pipeline-prod.tfstate', remoteState: false };

/** A state file's text with these managed resources (a VPC carries its Name tag, others their name). */
function state(resources: { type: string; attributes: Record<string, unknown> }[]): string {
  return JSON.stringify({
    version: 4,
    resources: resources.map(({ type, attributes }, index) => ({
      mode: 'managed',
      type,
      name: `r${index}`,
      instances: [{ attributes }],
    })),
  });
}

describe('recordedNames', () => {
  test('a missing or empty state records nothing and holds no resource', () => {
    for (const text of [undefined, '', '  \n']) expect(recordedNames(text)).toEqual({ hasResources: false, names: new Set() });
  });

  test('a VPC is recorded by its Name tag, roles and other named resources by their name', () => {
    const recorded = recordedNames(
      state([
        { type: 'aws_vpc', attributes: { id: 'vpc-1', tags: { Name: 'acme-pipeline-vpc' } } },
        { type: 'aws_iam_role', attributes: { id: 'acme-pipeline-runner', name: 'acme-pipeline-runner' } },
        { type: 'aws_iam_role_policy', attributes: { id: 'x:y', name: 'y' } },
      ]),
    );
    expect([...recorded.names].sort()).toEqual(['role=acme-pipeline-runner', 'vpc=acme-pipeline-vpc']);
    expect(recorded.hasResources).toBe(true);
  });

  test('a state with only the tainted check of a refused deploy holds no resource', () => {
    expect(recordedNames(state([{ type: 'terraform_data', attributes: { id: 'x' } }])).hasResources).toBe(false);
  });

  test('a text Terraform could not have written counts as holding resources (nothing is guessed)', () => {
    expect(recordedNames('{not json').hasResources).toBe(true);
  });
});

describe('decideExisting', () => {
  test('a first deploy passes: none of the named resources exists', () => {
    expect(decideExisting([], recordedNames(undefined), OPTIONS).ok).toBe(true);
  });

  test('a redeploy passes: everything that exists is recorded in the state', () => {
    const recorded = recordedNames(
      state([
        { type: 'aws_vpc', attributes: { tags: { Name: 'acme-pipeline-vpc' } } },
        { type: 'aws_iam_role', attributes: { name: 'acme-pipeline-runner' } },
      ]),
    );
    expect(decideExisting([VPC, ROLE], recorded, OPTIONS)).toEqual({
      ok: true,
      message: 'pipeline-prod: its 2 named resource(s) exist and its state records them',
    });
  });

  test('a lost state is refused in one line naming every unrecorded resource and npm run recover-state', () => {
    const result = decideExisting([VPC, ROLE], recordedNames(undefined), OPTIONS);
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain('\n');
    expect(result.message).toContain('AWS already has VPC named acme-pipeline-vpc, IAM role acme-pipeline-runner');
    expect(result.message).toContain('Do not deploy: run npm run recover-state -- pipeline-prod');
    expect(result.message).not.toContain('aside');
  });

  test('a state that records some resources but not all is refused, and says to move it aside before recovering', () => {
    const recorded = recordedNames(state([{ type: 'aws_vpc', attributes: { tags: { Name: 'acme-pipeline-vpc' } } }]));
    const result = decideExisting([VPC, ROLE], recorded, OPTIONS);
    expect(result.ok).toBe(false);
    expect(result.message).toContain('AWS already has IAM role acme-pipeline-runner,');
    expect(result.message).toContain(
      'move /p/terraform-state/pipeline-prod.tfstate aside (e.g. to /p/terraform-state/pipeline-prod.tfstate.lost',
    );
    expect(result.message).toContain('run npm run recover-state -- pipeline-prod');
  });

  test('a state kept in S3 is restored from its previous version, not rebuilt by recover-state', () => {
    const result = decideExisting([VPC], recordedNames(undefined), {
      stack: 'pipeline-prod',
      stateLocation: 's3://acme-prod-state/bootstrap/pipeline-prod.tfstate',
      remoteState: true,
    });
    expect(result.message).toContain("restore the state object's previous version");
    expect(result.message).not.toContain('recover-state --');
  });
});

describe('resource arguments', () => {
  test('kind=name round-trips, names may hold slashes and equals signs', () => {
    for (const resource of [
      VPC,
      { kind: 'log-group', name: '/acme/vpc-flow-logs' } as const,
      { kind: 'kms-alias', name: 'alias/a=b' } as const,
    ]) {
      expect(parseResourceArgument(resourceArgument(resource))).toEqual(resource);
    }
  });

  test('an unknown kind is refused', () => {
    expect(() => parseResourceArgument('bucket=x')).toThrow('--resource bucket=x: expected <kind>=<name>');
  });
});

describe('resourceExists', () => {
  const notFound = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });
  const clients = (answer: () => Promise<unknown>) => {
    const client = { send: answer };
    return { ec2: client, iam: client, logs: client, kms: client } as unknown as Parameters<typeof resourceExists>[0];
  };

  test("each service's not-found answer means absent", async () => {
    await expect(
      resourceExists(
        clients(() => Promise.reject(notFound('NoSuchEntityException'))),
        ROLE,
      ),
    ).resolves.toBe(false);
    await expect(
      resourceExists(
        clients(() => Promise.reject(notFound('InvalidLaunchTemplateName.NotFoundException'))),
        {
          kind: 'launch-template',
          name: 'x',
        },
      ),
    ).resolves.toBe(false);
    await expect(
      resourceExists(
        clients(() => Promise.reject(notFound('NotFoundException'))),
        { kind: 'kms-alias', name: 'alias/x' },
      ),
    ).resolves.toBe(false);
  });

  test('a VPC exists when one carries the Name tag; a log group only on an exact name', async () => {
    await expect(
      resourceExists(
        clients(() => Promise.resolve({ Vpcs: [{ VpcId: 'vpc-1' }] })),
        VPC,
      ),
    ).resolves.toBe(true);
    await expect(
      resourceExists(
        clients(() => Promise.resolve({ Vpcs: [] })),
        VPC,
      ),
    ).resolves.toBe(false);
    const groups = clients(() => Promise.resolve({ logGroups: [{ logGroupName: '/acme/vpc-flow-logs-old' }] }));
    await expect(resourceExists(groups, { kind: 'log-group', name: '/acme/vpc-flow-logs' })).resolves.toBe(false);
  });

  test('any other error rejects (the check then refuses rather than guesses)', async () => {
    await expect(
      resourceExists(
        clients(() => Promise.reject(new Error('AccessDenied'))),
        ROLE,
      ),
    ).rejects.toThrow('AccessDenied');
  });
});
