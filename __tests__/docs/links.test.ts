// Every relative link and anchor in README.md and docs/ resolves, checked with remark-validate-links
// (`npm run docs:links`, configured in .remarkrc.json), offline: links to the web are not followed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/docs';

const NO_NETWORK = path.join(__dirname, 'no-network.ts');
const PRELOAD = ['--require', path.join(PROJECT_ROOT, 'scripts', 'ts-runner.js'), '--require', NO_NETWORK];

/** Runs the `docs:links` script of package.json on `files` in `cwd`, with every network call refused. */
function checkLinks(cwd: string, files?: readonly string[]) {
  const { scripts } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command = '', ...args] = (scripts['docs:links'] ?? '').split(' ');
  const options = args.filter((arg) => arg.startsWith('-'));
  const targets = files ?? args.filter((arg) => !arg.startsWith('-'));
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', command);
  const rc = ['--rc-path', path.join(PROJECT_ROOT, '.remarkrc.json'), '--no-color'];
  const result = spawnSync(bin, [...rc, ...options, ...targets], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: cwd, NODE_OPTIONS: PRELOAD.join(' ') },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('every relative link and anchor in README.md and docs/ resolves', () => {
  const result = checkLinks(PROJECT_ROOT);
  expect(result.output).toBe('');
  expect(result.status).toBe(0);
});

describe('the link checker', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docs-links-'));
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'README.md'), '# Front\n\nSee [the page](docs/page.md) and [its part](docs/page.md#a-part).\n');
    writeFileSync(path.join(dir, 'docs', 'page.md'), '# Page\n\n## A part\n\nBack to [the front](../README.md#front).\n');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('passes links that resolve, and would fail on any network call', () => {
    expect(checkLinks(dir, ['README.md', 'docs'])).toEqual({ status: 0, output: '' });
    const probe = spawnSync(process.execPath, [...PRELOAD, '-e', "require('node:net').connect(9, '127.0.0.1')"], {
      encoding: 'utf8',
    });
    expect({ status: probe.status, stderr: probe.stderr }).toEqual({
      status: 97,
      stderr: 'network call refused: net.Socket.connect\n',
    });
  });

  test('fails on a link to a missing file and on anchors no heading has, and does not follow links to the web', () => {
    writeFileSync(
      path.join(dir, 'docs', 'other.md'),
      '# Other\n\nSee [gone](gone.md), [a part](page.md#no-such-part), [here](#nowhere) and [a site](https://example.invalid/x#y).\n',
    );
    const result = checkLinks(dir, ['README.md', 'docs']);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/docs\/other\.md/);
    expect(result.output).toMatch(/Cannot find file `gone\.md`/);
    expect(result.output).toMatch(/Cannot find heading for `#no-such-part` in `page\.md`/);
    expect(result.output).toMatch(/Cannot find heading for `#nowhere`/);
    expect(result.output).toMatch(/⚠ 3 warnings/);
  });
});
