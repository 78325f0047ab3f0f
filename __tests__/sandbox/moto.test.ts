import { MOTO_INSTALL_HINT, motoEnv, startMoto } from '../../src/sandbox/moto';

describe('starting moto', () => {
  test('fails with the install hint when moto_server is not installed', async () => {
    await expect(startMoto({ command: '/nonexistent/bin/moto_server' })).rejects.toThrow(
      `"/nonexistent/bin/moto_server" was not found on PATH; install moto's server with: ${MOTO_INSTALL_HINT}`,
    );
    expect(MOTO_INSTALL_HINT).toBe(`pip install 'moto[server]'`);
  });
});

describe('moto environment', () => {
  test('AWS-managed IAM policies are loaded unless a suite turns them off', () => {
    expect(motoEnv({}).MOTO_IAM_LOAD_MANAGED_POLICIES).toBe('true');
    expect(motoEnv({ MOTO_IAM_LOAD_MANAGED_POLICIES: 'false' }).MOTO_IAM_LOAD_MANAGED_POLICIES).toBe('true');
    expect(motoEnv({}, false).MOTO_IAM_LOAD_MANAGED_POLICIES).toBe('false');
  });
});
