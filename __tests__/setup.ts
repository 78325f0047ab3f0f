// Adds cdktf's jest matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) and makes the
// terraform that `toBeValidTerraform` starts install the AWS provider from the offline mirror.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { terraformEnv } from '../src/terraform/cli-config';

Testing.setupJest();
const cliConfigDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-test-tfrc-'));
Object.assign(process.env, terraformEnv(process.env, cliConfigDir));
afterAll(() => {
  rmSync(cliConfigDir, { recursive: true, force: true });
});
