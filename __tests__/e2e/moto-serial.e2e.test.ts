// moto as this project starts it (src/sandbox/moto.ts) answers concurrent calls one at a time, as AWS
// applies each call atomically. Plain moto 5.2.1 serves every request on its own thread over backends
// that are not thread-safe: under this load it answers some DescribeSecurityGroupRules calls with
// HTTP 500 ("dictionary changed size during iteration"; this test failed with it before the patch). Such
// races between terraform's concurrent calls are the class of fault behind the deploy tests' flakes under
// load (one seen: InvalidPermission.NotFound on a new security group's default egress rule).
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from '../../src/sandbox/aws-files';
import { type MotoServer, startMoto } from '../../src/sandbox/moto';
import { canDeploy } from './preconditions';

const describeDeploy = canDeploy() ? describe : describe.skip;

/** Concurrent workers, and VPCs each one sets up. */
const WORKERS = 8;
const ROUNDS = 25;

describeDeploy("the project's moto under concurrent EC2 calls", () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);

  afterAll(async () => {
    await moto.stop();
  });

  test('answers every call of workers that lock default security groups while others create groups, without a server error', async () => {
    // No SDK retries: every 500 counts, as it would reach a non-idempotent call's caller.
    const ec2 = new EC2Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
    });
    const failures: string[] = [];
    const record = async (call: Promise<unknown>): Promise<void> => {
      try {
        await call;
      } catch (error) {
        failures.push(error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error));
      }
    };
    // What terraform does for the pipeline network: aws_default_security_group reads and strips the
    // default group's rules while aws_security_group creates the runner group and revokes its default egress.
    const lockDefault = async (vpcId: string): Promise<void> => {
      const groups = await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'group-name', Values: ['default'] },
            { Name: 'vpc-id', Values: [vpcId] },
          ],
        }),
      );
      const groupId = groups.SecurityGroups?.[0]?.GroupId ?? '';
      const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
      const egress = (rules.SecurityGroupRules ?? [])
        .filter((rule) => rule.IsEgress === true)
        .map((rule) => rule.SecurityGroupRuleId ?? '');
      if (egress.length > 0)
        await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: egress }));
    };
    const createGroup = async (vpcId: string, name: string): Promise<void> => {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: name, Description: 'runner', VpcId: vpcId }),
      );
      await ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      );
    };
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let round = 0; round < ROUNDS; round++) {
          await record(
            (async () => {
              const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
              const vpcId = vpc.Vpc?.VpcId ?? '';
              await Promise.all([record(lockDefault(vpcId)), record(createGroup(vpcId, `runner-${worker}-${round}`))]);
            })(),
          );
        }
      }),
    );
    expect(failures).toEqual([]);
  }, 300_000);
});
