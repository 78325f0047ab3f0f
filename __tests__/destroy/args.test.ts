import { type DestroyArgs, parseDestroyArgs } from '../../src/destroy';

function messageOf(args: DestroyArgs): string {
  if (args.kind !== 'error') throw new Error(`expected a usage error, got ${JSON.stringify(args)}`);
  return args.message;
}

describe('npm run destroy command line', () => {
  test('the account alone asks for a typed confirmation and keeps the objects', () => {
    expect(parseDestroyArgs(['dev'])).toEqual({ kind: 'run', account: 'dev', deleteObjects: false });
  });

  test('--confirm gives the bucket name and --delete-objects empties the bucket, in any order', () => {
    const expected = { kind: 'run', account: 'dev', deleteObjects: true, confirm: 'acme-dev-state' };
    expect(parseDestroyArgs(['dev', '--delete-objects', '--confirm', 'acme-dev-state'])).toEqual(expected);
    expect(parseDestroyArgs(['--confirm=acme-dev-state', '--delete-objects', 'dev'])).toEqual(expected);
  });

  test('--help asks for the usage', () => {
    expect(parseDestroyArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseDestroyArgs(['dev', '-h'])).toEqual({ kind: 'help' });
  });

  test('no account is a usage error that shows an example', () => {
    expect(parseDestroyArgs([])).toEqual({
      kind: 'error',
      message: 'name the account whose state stack to destroy, e.g. "npm run destroy -- dev"',
    });
  });

  test('more than one account is refused: one stack at a time', () => {
    expect(parseDestroyArgs(['dev', 'prod'])).toEqual({ kind: 'error', message: 'one account at a time: got "dev", "prod"' });
  });

  test('--confirm without a name, or with a blank one, is refused', () => {
    expect(messageOf(parseDestroyArgs(['dev', '--confirm']))).toContain('--confirm');
    expect(parseDestroyArgs(['dev', '--confirm', ' '])).toEqual({
      kind: 'error',
      message: '--confirm needs the bucket name, e.g. --confirm acme-dev-state',
    });
  });

  test('an unknown option is refused with the option named', () => {
    expect(messageOf(parseDestroyArgs(['dev', '--force']))).toContain("'--force'");
  });
});
