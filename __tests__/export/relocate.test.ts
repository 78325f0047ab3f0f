import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conflictsIn } from '../../src/export';
import { rebasePath, relocateCommand, relocateStack } from '../../src/export/relocate';

// Folders that need not exist: the functions only compute paths.
const ROOT = path.join(os.tmpdir(), 'ops');
const FROM = path.join(ROOT, 'bootstrap-aws', 'cdktf.out', 'stacks', 'state-dev');
const TO = path.join(ROOT, 'exported', 'state-dev');

describe('rebasePath', () => {
  test('it points a path relative to the old folder at the same file from the new one', () => {
    expect(rebasePath('../../../terraform-state/state-dev.tfstate', FROM, TO)).toBe(
      '../../bootstrap-aws/terraform-state/state-dev.tfstate',
    );
    expect(path.resolve(TO, rebasePath('../../../scripts/x.ts', FROM, TO))).toBe(
      path.join(ROOT, 'bootstrap-aws', 'scripts', 'x.ts'),
    );
  });

  test('it leaves an absolute path as it is', () => {
    expect(rebasePath('/var/state/state-dev.tfstate', FROM, TO)).toBe('/var/state/state-dev.tfstate');
  });
});

describe('relocateCommand', () => {
  const rebase = (relative: string): string => rebasePath(relative, FROM, TO);

  test('it rebases the script and state-file words of the existing-bucket check and nothing else', () => {
    expect(
      relocateCommand(
        'node --require ../../../scripts/ts-runner.js ../../../scripts/check-existing-state-bucket.ts --bucket acme-dev-state --stack state-dev --account dev --state-file ../../../terraform-state/state-dev.tfstate --adopt',
        rebase,
      ),
    ).toBe(
      'node --require ../../bootstrap-aws/scripts/ts-runner.js ../../bootstrap-aws/scripts/check-existing-state-bucket.ts --bucket acme-dev-state --stack state-dev --account dev --state-file ../../bootstrap-aws/terraform-state/state-dev.tfstate --adopt',
    );
  });

  test('it rebases a double-quoted path word and quotes it again', () => {
    expect(relocateCommand('node "../../../my scripts/a.ts" --x', rebase)).toBe('node "../../bootstrap-aws/my scripts/a.ts" --x');
  });

  test('it leaves a command with other shell syntax as it is', () => {
    expect(relocateCommand("sh -c 'cat ../x'", rebase)).toBe("sh -c 'cat ../x'");
  });
});

describe('relocateStack', () => {
  const stack = {
    terraform: { backend: { local: { path: '../../../terraform-state/state-dev.tfstate' } } },
    resource: {
      terraform_data: {
        'existing-bucket-check': { provisioner: [{ 'local-exec': { command: 'node ../../../scripts/check.ts --x' } }] },
      },
    },
  };

  test('it rebases the local backend path and the local-exec command, without changing its input', () => {
    const relocated = relocateStack(stack, FROM, TO) as typeof stack;
    expect(relocated.terraform.backend.local.path).toBe('../../bootstrap-aws/terraform-state/state-dev.tfstate');
    expect(relocated.resource.terraform_data['existing-bucket-check'].provisioner[0]?.['local-exec'].command).toBe(
      'node ../../bootstrap-aws/scripts/check.ts --x',
    );
    expect(stack.terraform.backend.local.path).toBe('../../../terraform-state/state-dev.tfstate');
  });

  test('it leaves an S3 backend as it is', () => {
    const s3 = { terraform: { backend: { s3: { bucket: 'b', key: 'k' } } } };
    expect(relocateStack(s3, FROM, TO)).toEqual(s3);
  });
});

describe('conflictsIn', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'export-conflicts-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('it finds nothing in a missing folder or one that holds the same export', () => {
    expect(conflictsIn(path.join(dir, 'none'), 'text', 'state-dev')).toEqual([]);
    writeFileSync(path.join(dir, 'main.tf'), 'text');
    mkdirSync(path.join(dir, '.terraform'));
    writeFileSync(path.join(dir, '.terraform.lock.hcl'), 'lock');
    expect(conflictsIn(dir, 'text', 'state-dev')).toEqual([]);
  });

  test('it reports a main.tf edited since the last export, and Terraform files of other names', () => {
    writeFileSync(path.join(dir, 'main.tf'), 'edited');
    writeFileSync(path.join(dir, 'cdk.tf.json'), '{}');
    expect(conflictsIn(dir, 'text', 'state-dev')).toEqual([
      `${path.join(dir, 'main.tf')}: exists and differs from the export of state-dev (edited since?); move it away or export to another folder`,
      `${dir}: holds cdk.tf.json, which terraform would read with the exported main.tf; export to an empty folder`,
    ]);
  });
});
