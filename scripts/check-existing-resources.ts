// Run by Terraform (local-exec of the pipeline and access stacks' `existing-resource-check`, when it is created:
// on the stack's first deploy, or the first deploy after the check was added), before anything else of the
// stack is created, from the stack's folder in cdktf.out:
//   node --require <root>/scripts/ts-runner.js <root>/scripts/check-existing-resources.ts \
//     --resource vpc=acme-pipeline-vpc --resource role=acme-runner ... --stack pipeline-prod \
//     (--state-file <file> | --state-bucket <bucket> --state-key <key>)
// with AWS_PROFILE and AWS_REGION of the account (AWS_ENDPOINT_URL too against a local AWS double), and
// BOOTSTRAP_ROLE_ARN (BOOTSTRAP_ROLE_EXTERNAL_ID) when the profile reaches the account through a role.
// Exit code 0 when every existing resource is recorded in the stack's state; 1 with one line on stderr
// naming `npm run recover-state` otherwise (src/existing-resources/check.ts).
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROLE_ARN_ENV, ROLE_EXTERNAL_ID_ENV } from '../src/aws/account-credentials';
import { describeAwsError } from '../src/aws/retry';
import { decideExisting, parseResourceArgument, readLocalState, recordedNames } from '../src/existing-resources/check';
import { readS3State, resourceExists } from '../src/existing-resources/probe';
import { recoverClients } from '../src/recover/finders';
import { reportCheck, runCheckScript } from '../src/process/check-script';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      resource: { type: 'string', multiple: true, default: [] },
      stack: { type: 'string' },
      'state-file': { type: 'string' },
      'state-bucket': { type: 'string' },
      'state-key': { type: 'string' },
    },
    strict: true,
  });
  const { stack } = values;
  const stateFile = values['state-file'];
  const bucket = values['state-bucket'];
  const key = values['state-key'];
  const region = process.env.AWS_REGION;
  if (stack === undefined || !region || (stateFile === undefined) === (bucket === undefined || key === undefined)) {
    process.stderr.write(
      'error: usage: --resource <kind>=<name>... --stack <id> (--state-file <path> | --state-bucket <b> --state-key <k>), with AWS_REGION set\n',
    );
    return 2;
  }
  const resources = values.resource.map(parseResourceArgument);
  const roleArn = process.env[ROLE_ARN_ENV] || undefined;
  const externalId = process.env[ROLE_EXTERNAL_ID_ENV] || undefined;
  const clients = recoverClients(
    {
      profile: process.env.AWS_PROFILE || 'default',
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(externalId !== undefined ? { externalId } : {}),
    },
    region,
    process.env,
  );
  try {
    const existing = [];
    for (const resource of resources) {
      try {
        if (await resourceExists(clients, resource)) existing.push(resource);
      } catch (error) {
        process.stderr.write(
          `error: ${stack}: cannot check whether ${resource.kind} ${resource.name} already exists: ${describeAwsError(error)}; check the profile with "npm run doctor -- --live", then deploy again\n`,
        );
        return 1;
      }
    }
    const remote = stateFile === undefined;
    const text = remote ? await readS3State(clients.s3, String(bucket), String(key)) : readLocalState(stateFile);
    const result = decideExisting(existing, recordedNames(text), {
      stack,
      stateLocation: remote ? `s3://${String(bucket)}/${String(key)}` : path.resolve(stateFile),
      remoteState: remote,
    });
    return reportCheck(result);
  } finally {
    clients.destroy();
  }
}

runCheckScript(main);
