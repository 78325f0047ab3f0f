// Run by Terraform (local-exec of each access stack's `existing-oidc-provider-check`, on the stack's first
// deploy, before any provider or role is created), from the stack's folder in cdktf.out:
//   node --require <root>/scripts/ts-runner.js <root>/scripts/check-existing-oidc-providers.ts \
//     --issuer token.actions.githubusercontent.com [--adopt <issuer>] --stack access-dev --account dev --state-file <file>
// with AWS_PROFILE and AWS_REGION of the account (AWS_ENDPOINT_URL too against a local AWS double), and
// BOOTSTRAP_ROLE_ARN (BOOTSTRAP_ROLE_EXTERNAL_ID) when the profile reaches the account through a role.
// Exit code 0 when every provider may be created or adopted; 1 with one line on stderr per provider that
// exists, is not in the stack's state and is not adopted (src/existing-oidc-provider/check.ts).
import { parseArgs } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import { assumedRoleCredentials, ROLE_ARN_ENV, ROLE_EXTERNAL_ID_ENV, serviceEndpoint } from '../src/aws/account-credentials';
import { describeAwsError, retryOptions } from '../src/aws/retry';
import { decideOidc, existingIssuers, managedIssuers } from '../src/existing-oidc-provider/check';
import { runCheckScript } from '../src/process/check-script';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      issuer: { type: 'string', multiple: true, default: [] },
      adopt: { type: 'string', multiple: true, default: [] },
      stack: { type: 'string' },
      account: { type: 'string' },
      'state-file': { type: 'string' },
    },
    strict: true,
  });
  const { stack, account } = values;
  const stateFile = values['state-file'];
  const region = process.env.AWS_REGION;
  if (values.issuer.length === 0 || stack === undefined || account === undefined || stateFile === undefined || !region) {
    process.stderr.write(
      'error: usage: --issuer <issuer>... [--adopt <issuer>]... --stack <id> --account <name> --state-file <path>, with AWS_REGION set\n',
    );
    return 2;
  }
  const endpoint = serviceEndpoint(process.env, 'IAM');
  const roleArn = process.env[ROLE_ARN_ENV] || undefined;
  const externalId = process.env[ROLE_EXTERNAL_ID_ENV] || undefined;
  const iam = new IAMClient({
    region,
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
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  try {
    let existing: string[];
    try {
      existing = await existingIssuers(iam);
    } catch (error) {
      process.stderr.write(
        `error: cannot list the OIDC providers of account ${account}: ${describeAwsError(error)}; the profile needs iam:ListOpenIDConnectProviders (check it with "npm run doctor -- --live"), then deploy again\n`,
      );
      return 1;
    }
    const result = decideOidc(existing, managedIssuers(stateFile), {
      issuers: values.issuer,
      adopted: values.adopt,
      stack,
      account,
      stateFile,
      accountsFile: process.env.BOOTSTRAP_ACCOUNTS_FILE || 'accounts.json',
    });
    for (const line of result.notes) process.stdout.write(`${line}\n`);
    for (const line of result.errors) process.stderr.write(`error: ${line}\n`);
    return result.errors.length === 0 ? 0 : 1;
  } finally {
    iam.destroy();
  }
}

runCheckScript(main);
