import { ConfigError } from '../../src/config';
import { chooseParallelism, deployParallelism, type MachineResources } from '../../src/process/parallelism';

const GB = 1024 ** 3;
/** The reference machine: 2 cores, most of 24 GB free. */
const laptop: MachineResources = { freeMemoryBytes: 20 * GB, cores: 2 };

describe('the default parallelism', () => {
  test('is six stacks a core when memory is plentiful', () => {
    expect(deployParallelism({}, laptop)).toBe(12);
    expect(deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: ' ' }, laptop)).toBe(12);
  });

  test('is free memory at 0.75 GB a stack when memory is scarcer than cores', () => {
    expect(deployParallelism({}, { freeMemoryBytes: 3 * GB, cores: 8 })).toBe(4);
    expect(deployParallelism({}, { freeMemoryBytes: 1.6 * GB, cores: 8 })).toBe(2);
  });

  test('is capped at 16 on a large machine', () => {
    expect(deployParallelism({}, { freeMemoryBytes: 256 * GB, cores: 64 })).toBe(16);
  });

  test('is at least one stack even with almost no free memory', () => {
    expect(deployParallelism({}, { freeMemoryBytes: 0.2 * GB, cores: 1 })).toBe(1);
    expect(deployParallelism({}, { freeMemoryBytes: 8 * GB, cores: 0 })).toBe(6);
  });

  test('says what it was derived from and how to change it', () => {
    expect(chooseParallelism({}, laptop).reason).toBe(
      'from this machine: 20.0 GB free at 0.75 GB a stack, 2 core(s) at 6 stacks each, at most 16; ' +
        'set BOOTSTRAP_DEPLOY_PARALLELISM or --parallelism to change it',
    );
  });
});

describe('BOOTSTRAP_DEPLOY_PARALLELISM', () => {
  test.each(['1', '4', '32', ' 3 '])('%j overrides the machine', (value) => {
    expect(chooseParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: value }, laptop)).toEqual({
      value: Number(value.trim()),
      reason: 'from BOOTSTRAP_DEPLOY_PARALLELISM',
    });
  });

  test.each(['0', '33', '-1', '1.5', 'two', '2x', 'Infinity'])('refuses %j with a one-line fix', (value) => {
    let error: unknown;
    try {
      deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: value }, laptop);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `BOOTSTRAP_DEPLOY_PARALLELISM: "${value}" is not a whole number from 1 to 32; set it to e.g. 4, or unset it to derive it from this machine`,
    ]);
  });
});
