import { ConfigError } from '../../src/config';
import {
  busyLimitInEffect,
  chooseParallelism,
  deployParallelism,
  type MachineResources,
  MEASURED_STACK_MEMORY_BYTES,
  chooseBusyLimit,
  mayStartStack,
  MEMORY_PER_STACK_BYTES,
  parseMemAvailable,
  SHARED_STACK_MEMORY_BYTES,
} from '../../src/process/parallelism';

const GIB = 1024 ** 3;
/** The development VM: 2 cores, 23.5 GiB, most of it available. */
const devVm: MachineResources = { freeMemoryBytes: 22 * GIB, totalMemoryBytes: 23.5 * GIB, cores: 2 };

describe('the default parallelism', () => {
  test('is as many stacks as fit in 60 % of the memory when most of it is available', () => {
    // (14.1 GiB − 0.3 GiB shared) at 0.3875 GiB a stack; the 2 cores play no part.
    expect(deployParallelism({}, devVm)).toBe(35);
    expect(deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: ' ' }, devVm)).toBe(35);
    expect(deployParallelism({}, { ...devVm, cores: 64 })).toBe(35);
  });

  test('is as many as fit in the available memory less a reserve when other programs hold the rest', () => {
    // 6 GiB available − 0.5 GiB = 5.5 GiB.
    expect(deployParallelism({}, { freeMemoryBytes: 6 * GIB, totalMemoryBytes: 23.5 * GIB, cores: 2 })).toBe(13);
  });

  test('is four on a 4 GiB laptop with 2.5 GiB available, and one when less than a stack is available', () => {
    // 2.0 GiB: four stacks take ~1.5 GiB (0.31 each and the shared 0.3), 1.85 GiB with their margin.
    expect(deployParallelism({}, { freeMemoryBytes: 2.5 * GIB, totalMemoryBytes: 4 * GIB, cores: 4 })).toBe(4);
    const starved = chooseParallelism({}, { freeMemoryBytes: 1 * GIB, totalMemoryBytes: 4 * GIB, cores: 4 });
    expect(starved.value).toBe(1);
    expect(starved.reason).toContain('not even one fits: one at a time, and the machine may swap');
    expect(deployParallelism({}, { freeMemoryBytes: 0, totalMemoryBytes: 4 * GIB })).toBe(1);
  });

  test('grows with a larger machine and stops at 64', () => {
    expect(deployParallelism({}, { freeMemoryBytes: 16 * GIB, totalMemoryBytes: 32 * GIB, cores: 8 })).toBe(39);
    expect(deployParallelism({}, { freeMemoryBytes: 60 * GIB, totalMemoryBytes: 64 * GIB, cores: 16 })).toBe(64);
    const server = chooseParallelism({}, { freeMemoryBytes: 250 * GIB, totalMemoryBytes: 256 * GIB, cores: 64 });
    expect(server.value).toBe(64);
    expect(server.reason).toContain('at most 64');
  });

  test('takes the free memory as all of it when the total is not given', () => {
    // min(60 % of 3 GiB, 3 − 0.5 GiB) = 1.8 GiB.
    expect(deployParallelism({}, { freeMemoryBytes: 3 * GIB, cores: 2 })).toBe(3);
  });

  test.each([
    [1.2, 4],
    [2.5, 4],
    [7, 8],
    [3, 16],
    [22, 23.5],
    [30, 32],
    [120, 128],
  ])(
    'keeps the stacks within 60 %% of the memory and within what is available (%s GiB available of %s GiB)',
    (availableGib, totalGib) => {
      const available = availableGib * GIB;
      const total = totalGib * GIB;
      const value = deployParallelism({}, { freeMemoryBytes: available, totalMemoryBytes: total });
      expect(value).toBeGreaterThanOrEqual(1);
      const taken = value * MEMORY_PER_STACK_BYTES + SHARED_STACK_MEMORY_BYTES;
      expect(taken).toBeLessThanOrEqual(0.6 * total);
      expect(taken).toBeLessThanOrEqual(available);
      // The margin: the measured figure is what a stack took, the rule counts a quarter more.
      expect(MEMORY_PER_STACK_BYTES).toBeGreaterThanOrEqual(1.25 * MEASURED_STACK_MEMORY_BYTES);
    },
  );

  test('says what it was derived from and how to change it', () => {
    expect(chooseParallelism({}, devVm).reason).toBe(
      'from this machine: 14.1 GiB of memory for stacks (60 % of 23.5 GiB) at 0.39 GiB a stack + 0.3 GiB shared; ' +
        'set BOOTSTRAP_DEPLOY_PARALLELISM or --parallelism to change it',
    );
    expect(chooseParallelism({}, { freeMemoryBytes: 6 * GIB, totalMemoryBytes: 23.5 * GIB }).reason).toContain(
      '5.5 GiB of memory for stacks (6.0 GiB available less 0.5 GiB) at 0.39 GiB a stack',
    );
  });
});

describe('the available memory', () => {
  test('is MemAvailable of /proc/meminfo, in bytes', () => {
    const meminfo =
      'MemTotal:       24683748 kB\nMemFree:        18206488 kB\nMemAvailable:   23031260 kB\nBuffers:  576880 kB\n';
    expect(parseMemAvailable(meminfo)).toBe(23031260 * 1024);
  });

  test('is unknown on kernels without MemAvailable', () => {
    expect(parseMemAvailable('MemTotal:       24683748 kB\nMemFree:        18206488 kB\n')).toBeUndefined();
  });
});

describe('BOOTSTRAP_DEPLOY_PARALLELISM', () => {
  test.each(['1', '4', '32', '64', ' 3 '])('%j overrides the machine', (value) => {
    expect(chooseParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: value }, devVm)).toEqual({
      value: Number(value.trim()),
      reason: 'from BOOTSTRAP_DEPLOY_PARALLELISM',
    });
  });

  test.each(['0', '65', '-1', '1.5', 'two', '2x', 'Infinity'])('refuses %j with a one-line fix', (value) => {
    let error: unknown;
    try {
      deployParallelism({ BOOTSTRAP_DEPLOY_PARALLELISM: value }, devVm);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `BOOTSTRAP_DEPLOY_PARALLELISM: "${value}" is not a whole number from 1 to 64; set it to e.g. 4, or unset it to derive it from this machine`,
    ]);
  });
});

describe('starting a stack when one enters its wait', () => {
  test('starts another while fewer stacks than the busy limit use CPU and the memory bound is not reached', () => {
    expect(mayStartStack({ alive: 0, busy: 0 }, 35, 4)).toBe(true);
    expect(mayStartStack({ alive: 10, busy: 3 }, 35, 4)).toBe(true);
    // Four stacks busy on 2 cores: the next waits until one of them reaches its wait.
    expect(mayStartStack({ alive: 10, busy: 4 }, 35, 4)).toBe(false);
    expect(mayStartStack({ alive: 10, busy: 4 }, 35, 16)).toBe(true);
  });

  test('never starts more than the memory bound, however idle the stacks are', () => {
    expect(mayStartStack({ alive: 35, busy: 0 }, 35, 4)).toBe(false);
    expect(mayStartStack({ alive: 34, busy: 0 }, 35, 4)).toBe(true);
  });

  test('with the busy limit off, starts stacks as the memory bound allows', () => {
    expect(mayStartStack({ alive: 34, busy: 34 }, 35, Number.POSITIVE_INFINITY)).toBe(true);
    expect(mayStartStack({ alive: 35, busy: 0 }, 35, Number.POSITIVE_INFINITY)).toBe(false);
  });

  test('always lets one stack start, whatever the limits say', () => {
    expect(mayStartStack({ alive: 0, busy: 0 }, 0, 0)).toBe(true);
    expect(mayStartStack({ alive: 1, busy: 0 }, 1, 4)).toBe(false);
    expect(mayStartStack({ alive: 1, busy: 1 }, 4, 0)).toBe(false);
  });
});

describe('how many stacks may use CPU at once', () => {
  test('is two a core by default, and one core where none is reported', () => {
    expect(chooseBusyLimit({}, 2)).toBe(4);
    expect(chooseBusyLimit({}, 8)).toBe(16);
    expect(chooseBusyLimit({}, 0)).toBe(2);
  });

  test('is taken from BOOTSTRAP_DEPLOY_BUSY_LIMIT, where "off" removes it', () => {
    expect(chooseBusyLimit({ BOOTSTRAP_DEPLOY_BUSY_LIMIT: '6' }, 2)).toBe(6);
    expect(chooseBusyLimit({ BOOTSTRAP_DEPLOY_BUSY_LIMIT: ' off ' }, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(chooseBusyLimit({ BOOTSTRAP_DEPLOY_BUSY_LIMIT: '' }, 2)).toBe(4);
  });

  test.each(['0', '65', 'two', '-1', '1.5'])('refuses BOOTSTRAP_DEPLOY_BUSY_LIMIT=%s in one line naming the fix', (value) => {
    expect(() => chooseBusyLimit({ BOOTSTRAP_DEPLOY_BUSY_LIMIT: value }, 2)).toThrow(
      `BOOTSTRAP_DEPLOY_BUSY_LIMIT: "${value}" is neither "off" nor a whole number from 1 to 64; set it to e.g. 4, or unset it for two a core`,
    );
  });
});

describe('whether the busy limit is in effect', () => {
  test("a finite limit is, where the stacks' CPU can be read", () => {
    expect(busyLimitInEffect(4, true)).toBe(4);
  });

  test('"off", or a machine without /proc, leaves only the memory bound', () => {
    expect(busyLimitInEffect(Number.POSITIVE_INFINITY, true)).toBeUndefined();
    expect(busyLimitInEffect(4, false)).toBeUndefined();
  });
});
