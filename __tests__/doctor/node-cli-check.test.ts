import { checkNodeCli } from '../../src/doctor/node-cli-check';

describe('checkNodeCli', () => {
  it('on Node 24 names CDK Terrain, "npx cdktn" and that "npx cdktf" cannot start', () => {
    expect(checkNodeCli('24.22.3')).toEqual({
      check: 'Node.js',
      status: 'ok',
      detail: `Node.js 24.22.3: commands run CDK Terrain's cdktn-cli 0.24; by hand type "npx cdktn …" ("npx cdktf" cannot start on this Node)`,
    });
  });

  it('on Node 22.19 and later names CDK Terrain, while "npx cdktf" still starts', () => {
    expect(checkNodeCli('22.21.1').detail).toBe(
      `Node.js 22.21.1: commands run CDK Terrain's cdktn-cli 0.24; by hand type "npx cdktn …"`,
    );
  });

  it('on Node 20 names cdktf-cli 0.21 and "npx cdktf"', () => {
    expect(checkNodeCli('20.20.2')).toEqual({
      check: 'Node.js',
      status: 'ok',
      detail: 'Node.js 20.20.2: commands run cdktf-cli 0.21; by hand type "npx cdktf …"',
    });
  });

  it('warns on a Node major outside engines, naming the versions to use', () => {
    const result = checkNodeCli('25.1.0');
    expect(result.status).toBe('warn');
    expect(result.detail).toMatch(/Node\.js 25 is untested here: use Node\.js 24 or 22$/);
  });
});
