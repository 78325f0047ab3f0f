// Moving to CDK Terrain's library is one line of package.json ("cdktf": "npm:cdktn@<version>"; docs/design.md,
// "Node.js and the CLI") because the app synthesizes the same stacks with it. The real entry point runs twice
// on one accounts file that makes every kind of stack and every option: once on cdktf, once with every `cdktf`
// request (the app's and @cdktf/provider-aws's) resolved to the `cdktn` devDependency. Every file of the two
// synth outputs must match: the backend configs byte for byte, the JSON files key for key in the same order,
// apart from the library version each records. The JSON's whitespace is not compared: cdktf 0.21 writes an
// empty array or object on two lines, cdktn as `[]` and `{}`, which Terraform reads the same.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, runApp } from '../support/run-app';

const CDKTN_AS_CDKTF = path.join(__dirname, '..', 'support', 'cdktn-as-cdktf.js');

/** State, pipeline and access stacks, with KMS, lock tables, access logs, adoption, two regions and OIDC trust. */
const EVERY_STACK = {
  platform: 'acme',
  region: 'eu-west-1',
  stateBucket: { kms: true, lockTable: true, accessLogs: true },
  pipeline: { stateBackend: 's3' },
  pipelineAccess: {
    policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
    trust: { github: [{ repository: 'acme/infra', branch: 'main' }] },
  },
  accounts: {
    dev: { profile: 'acme-dev', accountId: '111111111111', adopt: true },
    prod: { profile: 'acme-prod', accountId: '222222222222', region: 'us-east-2' },
    sandbox: { profile: 'acme-sandbox', accountId: '333333333333', pipelineAccess: false },
  },
};

interface JsonFile {
  version?: string;
  '//'?: { metadata?: { version?: string } };
}

/** The synth output of one run: each file's text by its path relative to cdktf.out. */
type SynthOutput = Record<string, string>;

function synthesize(preload: string[]): SynthOutput {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-cdktn-library-'));
  try {
    const run = runApp(EVERY_STACK, dir, preload);
    if (run.status !== 0) throw new Error(`synth failed (exit ${String(run.status)}): ${run.stderr}`);
    const files = readdirSync(run.outdir, { recursive: true, encoding: 'utf8' })
      .filter((file) => statSync(path.join(run.outdir, file)).isFile())
      .sort();
    return Object.fromEntries(files.map((file) => [file, readFileSync(path.join(run.outdir, file), 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The library version a JSON file records: the manifest's `version`, a stack's `//.metadata.version`. */
function recordedVersion(json: JsonFile): string | undefined {
  return json['//']?.metadata?.version ?? json.version;
}

/** A JSON file re-serialized without the library version (key order kept); other files as they are. */
function comparable(file: string, text: string): string {
  if (!file.endsWith('.json')) return text;
  const json = JSON.parse(text) as JsonFile;
  if (json['//']?.metadata !== undefined) delete json['//'].metadata.version;
  else delete json.version;
  return JSON.stringify(json, null, 2);
}

function jsonFiles(output: SynthOutput): string[] {
  return Object.keys(output).filter((file) => file.endsWith('.json'));
}

describe('the app on the cdktn library (CDK Terrain) and on cdktf', () => {
  let onCdktf: SynthOutput;
  let onCdktn: SynthOutput;

  beforeAll(() => {
    onCdktf = synthesize([]);
    onCdktn = synthesize([CDKTN_AS_CDKTF]);
  }, 120_000);

  test('each run records the library it ran on, and the two libraries differ', () => {
    const cdktf = installedVersion('cdktf');
    const cdktn = installedVersion('cdktn');
    expect(cdktn).not.toBe(cdktf);
    const versions = (output: SynthOutput): (string | undefined)[] =>
      jsonFiles(output).map((file) => recordedVersion(JSON.parse(output[file] ?? '') as JsonFile));
    expect(new Set(versions(onCdktf))).toEqual(new Set([cdktf]));
    expect(new Set(versions(onCdktn))).toEqual(new Set([cdktn]));
  });

  test('both write the same files: the manifest, every stack and every backend config', () => {
    expect(Object.keys(onCdktn)).toEqual(Object.keys(onCdktf));
    expect(Object.keys(onCdktf)).toEqual(
      expect.arrayContaining([
        'manifest.json',
        path.join('stacks', 'state-dev', 'cdk.tf.json'),
        path.join('stacks', 'pipeline-prod', 'cdk.tf.json'),
        path.join('stacks', 'access-prod', 'cdk.tf.json'),
        path.join('backends', 'prod.runner.s3.tfbackend'),
      ]),
    );
  });

  test('every file is the same apart from the library version', () => {
    const comparableOutput = (output: SynthOutput): SynthOutput =>
      Object.fromEntries(Object.entries(output).map(([file, text]) => [file, comparable(file, text)]));
    expect(comparableOutput(onCdktn)).toEqual(comparableOutput(onCdktf));
  });
});
