import { reportCheck, runCheckScript } from '../../src/process/check-script';

function captured(): { out: string[]; err: string[]; restore: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return {
    out,
    err,
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

afterEach(() => {
  process.exitCode = undefined;
});

test('a passed check prints its message on stdout and exits 0; a failed one prints an error line on stderr and exits 1', () => {
  const io = captured();
  try {
    expect(reportCheck({ ok: true, message: 'state-dev: no bucket yet' })).toBe(0);
    expect(reportCheck({ ok: false, message: 'state-dev: acme-dev-state exists' })).toBe(1);
  } finally {
    io.restore();
  }
  expect(io.out).toEqual(['state-dev: no bucket yet\n']);
  expect(io.err).toEqual(['error: state-dev: acme-dev-state exists\n']);
});

test('a check script exits with what main returns, and with 1 and one error line when main throws', async () => {
  const io = captured();
  try {
    runCheckScript(() => Promise.resolve(0));
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.exitCode).toBe(0);
    runCheckScript(() => Promise.reject(new Error('no credentials')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.exitCode).toBe(1);
  } finally {
    io.restore();
  }
  expect(io.err).toEqual(['error: no credentials\n']);
});
