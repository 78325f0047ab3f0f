import { ConfigError } from '../../src/config';
import { DEFAULT_DEPLOY_PARALLELISM, deployParallelism } from '../../src/sandbox/parallelism';

describe('BOOTSTRAP_DEPLOY_PARALLELISM', () => {
  test('defaults to two stacks at a time when unset or empty', () => {
    expect(DEFAULT_DEPLOY_PARALLELISM).toBe(2);
    expect(deployParallelism({})).toBe(2);
    expect(deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: ' ' })).toBe(2);
  });

  test.each(['1', '4', '32', ' 3 '])('accepts %j', (value) => {
    expect(deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: value })).toBe(Number(value.trim()));
  });

  test.each(['0', '33', '-1', '1.5', 'two', '2x', 'Infinity'])('refuses %j with a one-line fix', (value) => {
    let error: unknown;
    try {
      deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `BOOTSTRAP_DEPLOY_PARALLELISM: "${value}" is not a whole number from 1 to 32; set it to e.g. 2, or unset it`,
    ]);
  });
});
