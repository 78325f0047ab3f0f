import * as path from 'node:path';
import { ConfigError, readSettings } from '../../src/config';

const cwd = path.resolve('/work/project');

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readSettings(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('readSettings', () => {
  test('with no variables set, it reads ./accounts.json and keeps state in ./terraform-state, outside ./cdktf.out', () => {
    expect(readSettings({}, cwd)).toEqual({
      accountsFile: path.join(cwd, 'accounts.json'),
      stateDir: path.join(cwd, 'terraform-state'),
      outdir: path.join(cwd, 'cdktf.out'),
      resumeBuckets: [],
    });
  });

  test('BOOTSTRAP_RESUME_BUCKETS names the buckets to import, comma-separated, blanks ignored', () => {
    expect(readSettings({ BOOTSTRAP_RESUME_BUCKETS: ' acme-dev-state, ,acme-dev-logs ' }, cwd).resumeBuckets).toEqual([
      'acme-dev-state',
      'acme-dev-logs',
    ]);
  });

  test('empty or blank variables count as unset', () => {
    expect(
      readSettings({ BOOTSTRAP_ACCOUNTS_FILE: '', BOOTSTRAP_STATE_DIR: '  ', CDKTF_OUTDIR: '', AWS_ENDPOINT_URL: ' ' }, cwd),
    ).toEqual(readSettings({}, cwd));
  });

  test('BOOTSTRAP_ACCOUNTS_FILE is resolved against the working directory, and used as is when absolute', () => {
    expect(readSettings({ BOOTSTRAP_ACCOUNTS_FILE: 'conf/team.json' }, cwd).accountsFile).toBe(path.join(cwd, 'conf/team.json'));
    expect(readSettings({ BOOTSTRAP_ACCOUNTS_FILE: '/etc/bootstrap/accounts.json' }, cwd).accountsFile).toBe(
      '/etc/bootstrap/accounts.json',
    );
  });

  test('BOOTSTRAP_STATE_DIR moves the state folder, resolved to an absolute path', () => {
    expect(readSettings({ BOOTSTRAP_STATE_DIR: '../state' }, cwd).stateDir).toBe(path.resolve(cwd, '../state'));
    expect(readSettings({ BOOTSTRAP_STATE_DIR: '/var/lib/tfstate' }, cwd).stateDir).toBe('/var/lib/tfstate');
  });

  test('CDKTF_OUTDIR moves the synth output, resolved to an absolute path', () => {
    expect(readSettings({ CDKTF_OUTDIR: 'build/out' }, cwd).outdir).toBe(path.join(cwd, 'build/out'));
  });

  test('a state folder inside the synth output is refused, because synth and "rm -rf cdktf.out" delete it', () => {
    expect(problemsOf({ BOOTSTRAP_STATE_DIR: 'cdktf.out/state' })).toEqual([
      `BOOTSTRAP_STATE_DIR: "${path.join(cwd, 'cdktf.out/state')}" is inside the synth output "${path.join(cwd, 'cdktf.out')}", which synth and "rm -rf cdktf.out" delete; choose a folder outside it`,
    ]);
    expect(problemsOf({ BOOTSTRAP_STATE_DIR: '/tmp/o', CDKTF_OUTDIR: '/tmp/o' })).toHaveLength(1);
    expect(problemsOf({ BOOTSTRAP_STATE_DIR: 'out/x/../state', CDKTF_OUTDIR: 'out' })).toHaveLength(1);
  });

  test('a state folder beside the synth output, even with a similar name, is accepted', () => {
    expect(readSettings({ BOOTSTRAP_STATE_DIR: 'cdktf.out-state' }, cwd).stateDir).toBe(path.join(cwd, 'cdktf.out-state'));
    expect(readSettings({ BOOTSTRAP_STATE_DIR: '/tmp/state', CDKTF_OUTDIR: '/tmp/state-out' }, cwd).stateDir).toBe('/tmp/state');
  });

  test('AWS_ENDPOINT_URL is passed on when it is an http(s) URL', () => {
    expect(readSettings({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, cwd).endpointUrl).toBe('http://127.0.0.1:5000');
    expect(readSettings({ AWS_ENDPOINT_URL: 'https://localhost:4566/' }, cwd).endpointUrl).toBe('https://localhost:4566/');
  });

  test.each(['127.0.0.1:5000', 'ftp://127.0.0.1', 'http://', 'http://host name:5000'])(
    'AWS_ENDPOINT_URL %j is refused with the fix',
    (url) => {
      expect(problemsOf({ AWS_ENDPOINT_URL: url })).toEqual([
        `AWS_ENDPOINT_URL: "${url}" is not an http(s) URL; set it like http://127.0.0.1:5000 or unset it to target AWS`,
      ]);
    },
  );

  test('every bad variable is reported at once', () => {
    expect(problemsOf({ BOOTSTRAP_STATE_DIR: 'cdktf.out/s', AWS_ENDPOINT_URL: 'nope' })).toEqual([
      expect.stringMatching(/^BOOTSTRAP_STATE_DIR: /),
      expect.stringMatching(/^AWS_ENDPOINT_URL: /),
    ]);
  });
});
