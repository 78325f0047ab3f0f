import { MOTO_INSTALL_HINT, startMoto } from '../../src/sandbox/moto';

describe('starting moto', () => {
  test('fails with the install hint when moto_server is not installed', async () => {
    await expect(startMoto({ command: '/nonexistent/bin/moto_server' })).rejects.toThrow(
      `"/nonexistent/bin/moto_server" was not found on PATH; install moto's server with: ${MOTO_INSTALL_HINT}`,
    );
    expect(MOTO_INSTALL_HINT).toBe(`pip install 'moto[server]'`);
  });
});
