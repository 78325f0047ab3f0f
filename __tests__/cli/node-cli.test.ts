import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { cdktfCliRefusal, cdktfCliRuns, cliEntryPath, cliForNode } from '../../src/cli/node-cli';

describe('cliForNode', () => {
  it.each(['24.22.3', '23.0.0', '22.19.0', 'v22.21.1'])('picks CDK Terrain (cdktn-cli) on Node %s', (version) => {
    expect(cliForNode(version)).toEqual({ package: 'cdktn-cli', entry: 'bundle/bin/cdktn.js', npx: 'npx cdktn' });
  });

  it.each(['22.18.9', '22.0.0', '20.20.2', '20.9.0'])(
    'keeps cdktf-cli 0.21 on Node %s, below cdktn-cli 0.24 floor',
    (version) => {
      expect(cliForNode(version)).toEqual({ package: 'cdktf-cli', entry: 'bundle/bin/cdktf', npx: 'npx cdktf' });
    },
  );

  it('decides by the running Node when given no version', () => {
    expect(cliForNode()).toEqual(cliForNode(process.versions.node));
  });
});

describe('cliEntryPath', () => {
  it('is the installed cdktn-cli entry script on Node 24', () => {
    const entry = cliEntryPath('24.22.3');
    expect(entry.endsWith(path.join('node_modules', 'cdktn-cli', 'bundle', 'bin', 'cdktn.js'))).toBe(true);
    expect(existsSync(entry)).toBe(true);
  });

  it('is the installed cdktf-cli entry script on Node 20', () => {
    const entry = cliEntryPath('20.20.2');
    expect(entry.endsWith(path.join('node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'))).toBe(true);
    expect(existsSync(entry)).toBe(true);
  });
});

describe('cdktfCliRuns', () => {
  it('is true up to Node 22, the last ABI cdktf-cli 0.21 ships a pty build for', () => {
    expect(cdktfCliRuns('20.20.2')).toBe(true);
    expect(cdktfCliRuns('22.23.5')).toBe(true);
  });

  it('is false on Node 23 and 24', () => {
    expect(cdktfCliRuns('23.11.0')).toBe(false);
    expect(cdktfCliRuns('24.22.3')).toBe(false);
  });

  it('refuses in one line that names the Node version and both fixes', () => {
    const message = cdktfCliRefusal('24.22.3');
    expect(message).not.toContain('\n');
    expect(message).toContain('24.22.3');
    expect(message).toContain('npx cdktn');
    expect(message).toContain('Node.js 22');
  });
});
