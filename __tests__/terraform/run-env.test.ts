// The one environment every command runs terraform and the cdktf CLI with (src/terraform/run-env.ts).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { AWS_PROVIDER_VERSION } from '../../src/terraform/provider-mirror';
import { terraformRunEnv, withTerraformRunEnv } from '../../src/terraform/run-env';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-env-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A folder laid out as `terraform providers mirror` leaves it, holding the pinned AWS provider. */
function fakeMirror(name = 'mirror'): string {
  const mirror = path.join(dir, name);
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION), { recursive: true });
  return mirror;
}

const noMirror = (): undefined => undefined;

describe('the provider mirror', () => {
  test('BOOTSTRAP_PROVIDER_MIRROR becomes a CLI config in the work folder that installs every provider from it only', () => {
    const mirror = fakeMirror();
    const workDir = path.join(dir, 'work');
    mkdirSync(workDir);
    const prepared = terraformRunEnv({ BOOTSTRAP_PROVIDER_MIRROR: mirror, HOME: dir }, { workDir, findMirror: noMirror });

    expect(prepared.source).toEqual({ kind: 'variable', mirror });
    expect(prepared.cliConfigFile).toBe(path.join(workDir, 'terraform.rc'));
    expect(prepared.env.TF_CLI_CONFIG_FILE).toBe(prepared.cliConfigFile);
    expect(readFileSync(path.join(workDir, 'terraform.rc'), 'utf8')).toBe(
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
    );
  });

  test('a mirror found on the machine is used as if BOOTSTRAP_PROVIDER_MIRROR named it', () => {
    const mirror = fakeMirror();
    const prepared = terraformRunEnv({ HOME: dir }, { workDir: dir, findMirror: () => mirror });

    expect(prepared.source).toEqual({ kind: 'found', mirror });
    expect(prepared.env.BOOTSTRAP_PROVIDER_MIRROR).toBe(mirror);
    expect(readFileSync(prepared.env.TF_CLI_CONFIG_FILE ?? '', 'utf8')).toContain(`path = ${JSON.stringify(mirror)}`);
  });

  test('a mirror configured in terraform’s own CLI config is left to it: no second config is written', () => {
    const mirror = fakeMirror();
    const own = path.join(dir, 'own.tfrc');
    writeFileSync(own, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
    const workDir = path.join(dir, 'work');
    mkdirSync(workDir);
    const prepared = terraformRunEnv({ TF_CLI_CONFIG_FILE: own, HOME: dir }, { workDir, findMirror: noMirror });

    expect(prepared.source).toEqual({ kind: 'cli-config', mirror, file: own });
    expect(prepared.env.TF_CLI_CONFIG_FILE).toBe(own);
    expect(prepared.cliConfigFile).toBeUndefined();
    expect(existsSync(path.join(workDir, 'terraform.rc'))).toBe(false);
  });

  test('without any mirror terraform keeps its own configuration (the public registry)', () => {
    const prepared = terraformRunEnv({ HOME: dir }, { workDir: dir, findMirror: noMirror });

    expect(prepared.source).toEqual({ kind: 'registry' });
    expect(prepared.env.TF_CLI_CONFIG_FILE).toBeUndefined();
    expect(prepared.cliConfigFile).toBeUndefined();
  });

  test('a BOOTSTRAP_PROVIDER_MIRROR without the provider is refused in one line with the fix, before any terraform runs', () => {
    const empty = path.join(dir, 'empty');
    let problems: readonly string[] = [];
    try {
      terraformRunEnv({ BOOTSTRAP_PROVIDER_MIRROR: empty, HOME: dir }, { workDir: dir, findMirror: noMirror });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual([
      `BOOTSTRAP_PROVIDER_MIRROR: "${empty}" holds no hashicorp/aws ${AWS_PROVIDER_VERSION}; point it at a folder made by "terraform providers mirror", or unset it`,
    ]);
  });
});

describe('the rest of the environment', () => {
  test('turns off terraform’s update check, which offline only prints errors', () => {
    expect(terraformRunEnv({ HOME: dir }, { workDir: dir, findMirror: noMirror }).env.CHECKPOINT_DISABLE).toBe('1');
  });

  test('passes the AWS credential, profile, endpoint and retry variables through unchanged', () => {
    const aws = {
      AWS_PROFILE: 'acme-admin',
      AWS_CONFIG_FILE: '/x/config',
      AWS_SHARED_CREDENTIALS_FILE: '/x/credentials',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_MAX_ATTEMPTS: '8',
      AWS_RETRY_MODE: 'adaptive',
    };
    expect(terraformRunEnv({ ...aws, HOME: dir }, { workDir: dir, findMirror: noMirror }).env).toMatchObject(aws);
  });

  test('an AWS_MAX_ATTEMPTS the SDKs would refuse is refused before terraform runs', () => {
    expect(() => terraformRunEnv({ AWS_MAX_ATTEMPTS: 'many', HOME: dir }, { workDir: dir, findMirror: noMirror })).toThrow(
      /AWS_MAX_ATTEMPTS="many" is not a whole number/,
    );
  });

  test('withTerraformRunEnv removes its folder, and the CLI config in it, when the command ends', async () => {
    const mirror = fakeMirror();
    let config = '';
    await withTerraformRunEnv({ BOOTSTRAP_PROVIDER_MIRROR: mirror, HOME: dir }, { findMirror: noMirror }, (prepared) => {
      config = prepared.env.TF_CLI_CONFIG_FILE ?? '';
      expect(existsSync(config)).toBe(true);
      return Promise.resolve();
    });
    expect(config).not.toBe('');
    expect(existsSync(path.dirname(config))).toBe(false);
  });
});
