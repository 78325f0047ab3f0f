// docs/doctor.md's sample output is what `npm run doctor` prints for the machine it describes: a home folder
// /home/me with one of the two profiles, Terraform 1.11.4 in /usr/local/bin, a provider mirror in /srv named by
// ~/.terraformrc, Node.js 24. The machine is built in a temp folder and its paths are shown as on that machine.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { doctorPassed, formatDoctorReport, runDoctor } from '../../src/doctor';
import { checkNodeCli } from '../../src/doctor/node-cli-check';
import { PROJECT_ROOT } from '../support/docs';

const NODE_VERSION = '24.11.1';

/** The doctor's report on the machine of the sample, as the page shows it. */
async function sampleReport(): Promise<{ report: string; passed: boolean }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'doctor-sample-'));
  try {
    const home = path.join(root, 'home', 'me');
    const mirror = path.join(root, 'srv', 'tf-mirror');
    const bin = path.join(root, 'usr', 'local', 'bin');
    mkdirSync(path.join(home, '.aws'), { recursive: true });
    mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64'), { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(home, '.aws', 'credentials'), '[acme-dev]\naws_access_key_id = AKIA\naws_secret_access_key = s\n');
    writeFileSync(path.join(home, '.aws', 'config'), '[profile acme-dev]\nregion = us-east-1\n');
    writeFileSync(
      path.join(home, '.terraformrc'),
      `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`,
    );
    writeFileSync(
      path.join(home, 'accounts.json'),
      JSON.stringify({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } }),
    );
    writeFileSync(path.join(bin, 'terraform'), `#!/bin/sh\necho '{"terraform_version":"1.11.4","platform":"linux_amd64"}'\n`);
    chmodSync(path.join(bin, 'terraform'), 0o755);
    const results = await runDoctor({
      env: { HOME: home, PATH: bin },
      cwd: home,
      provider: { findMirror: () => undefined },
    });
    // Run from the project folder, the doctor names accounts.json as the relative path it is there.
    const shown = (text: string): string =>
      text
        .split(path.join(home, 'accounts.json'))
        .join('accounts.json')
        .split(home)
        .join('/home/me')
        .split(path.join(root, 'srv'))
        .join('/srv')
        .split(path.join(root, 'usr'))
        .join('/usr');
    const onTheMachine = results.map((result) =>
      result.check === 'Node.js' ? checkNodeCli(NODE_VERSION) : { ...result, detail: shown(result.detail) },
    );
    return { report: formatDoctorReport(onTheMachine), passed: doctorPassed(onTheMachine) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('the sample output in docs/doctor.md is what npm run doctor prints for the machine it describes', async () => {
  const page = readFileSync(path.join(PROJECT_ROOT, 'docs', 'doctor.md'), 'utf8');
  const sample = /^```\n(CHECK[\s\S]*?)^```$/m.exec(page)?.[1];
  const { report, passed } = await sampleReport();
  expect(passed).toBe(false);
  expect(sample).toBe(report);
});
