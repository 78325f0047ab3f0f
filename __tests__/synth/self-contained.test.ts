import { undeclaredReferences } from '../../src/synth/self-contained';

const STACK = {
  resource: {
    aws_s3_bucket: { 'state-bucket_828F7150': { bucket: 'acme-dev-state' } },
    aws_s3_bucket_policy: {
      policy_1: {
        bucket: '${aws_s3_bucket.state-bucket_828F7150.id}',
        policy: '{"Resource":["${aws_s3_bucket.state-bucket_828F7150.arn}/*"]}',
      },
    },
    terraform_data: { 'existing-bucket-check': { provisioner: [{ 'local-exec': { command: 'node check.js' } }] } },
  },
  data: { aws_partition: { partition: {} } },
  output: {
    vpc_id: {
      value: '${aws_s3_bucket.state-bucket_828F7150.bucket}',
      precondition: [{ condition: '${(length(data.aws_partition.partition.partition) < 1)}' }],
    },
    from_variables: { value: '${var.name}-${local.suffix}-${each.key}-${count.index}-${path.module}' },
  },
};

describe('undeclaredReferences', () => {
  test('a stack that references only what it declares, and variables, locals and iterators, has none', () => {
    expect(undeclaredReferences(STACK)).toEqual([]);
  });

  test('references to resources and data sources of another stack are listed once each', () => {
    const json = {
      ...STACK,
      output: {
        other: { value: '${aws_vpc.network_vpc_1234.id}' },
        again: { value: 'arn:${aws_vpc.network_vpc_1234.arn}:${data.aws_caller_identity.caller.account_id}' },
      },
    };
    expect(undeclaredReferences(json)).toEqual(['aws_vpc.network_vpc_1234', 'data.aws_caller_identity.caller']);
  });
});
