// Run by Terraform (local-exec of each state stack's `existing-bucket-check`, on the stack's first deploy,
// before the bucket is created), from the stack's folder in cdktf.out:
//   node --require <root>/scripts/ts-runner.js <root>/scripts/check-existing-state-bucket.ts \
//     --bucket acme-dev-state --stack state-dev --account dev --state-file <state file> [--adopt] [--resume]
// with AWS_PROFILE and AWS_REGION of the account (AWS_ENDPOINT_URL too against a local AWS double), and
// BOOTSTRAP_ROLE_ARN (BOOTSTRAP_ROLE_EXTERNAL_ID) when the profile reaches the account through a role.
// Exit code 0 when the deploy may create (or, with --adopt, import) the bucket; 1 with one line on
// stderr when the bucket already exists and the stack does not manage it (src/existing-bucket/check.ts).
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { assumedRoleCredentials, ROLE_ARN_ENV, ROLE_EXTERNAL_ID_ENV } from '../src/aws/account-credentials';
import { retryOptions } from '../src/aws/retry';
import { checkExistingBucket } from '../src/existing-bucket/check';
import { reportCheck, runCheckScript } from '../src/process/check-script';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      bucket: { type: 'string' },
      stack: { type: 'string' },
      account: { type: 'string' },
      'state-file': { type: 'string' },
      adopt: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const { bucket, stack, account } = values;
  const stateFile = values['state-file'];
  const region = process.env.AWS_REGION;
  if (bucket === undefined || stack === undefined || account === undefined || stateFile === undefined || !region) {
    process.stderr.write(
      'error: usage: --bucket <name> --stack <id> --account <name> --state-file <path> [--adopt] [--resume], with AWS_REGION set\n',
    );
    return 2;
  }
  const endpoint = [process.env.AWS_ENDPOINT_URL_S3, process.env.AWS_ENDPOINT_URL].find(
    (value) => value !== undefined && value !== '',
  );
  const roleArn = process.env[ROLE_ARN_ENV] || undefined;
  const externalId = process.env[ROLE_EXTERNAL_ID_ENV] || undefined;
  const s3 = new S3Client({
    region,
    // The default credential chain with the account's profile: SSO, role_arn, credential_process work as for
    // Terraform; then, as the provider's assume_role does, the account's role assumed with it.
    ...(roleArn !== undefined
      ? {
          credentials: assumedRoleCredentials(
            { profile: process.env.AWS_PROFILE || 'default', roleArn, ...(externalId !== undefined ? { externalId } : {}) },
            region,
            process.env,
          ),
        }
      : process.env.AWS_PROFILE
        ? { profile: process.env.AWS_PROFILE }
        : {}),
    ...retryOptions(process.env),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
    // A local AWS double serves every bucket under one host, as the provider's s3_use_path_style does.
    ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}),
  });
  try {
    const result = await checkExistingBucket(s3, {
      bucket,
      stack,
      account,
      region,
      stateFile,
      adopt: values.adopt,
      resume: values.resume,
      accountsFile: process.env.BOOTSTRAP_ACCOUNTS_FILE || 'accounts.json',
    });
    return reportCheck(result);
  } finally {
    s3.destroy();
  }
}

runCheckScript(main);
