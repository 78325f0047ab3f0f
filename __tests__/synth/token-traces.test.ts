import { skipTokenCreationTraces } from '../../src/synth/token-traces';

function captured(): string {
  const holder = { stack: 'unset' };
  Error.captureStackTrace(holder);
  return holder.stack;
}

describe('skipTokenCreationTraces', () => {
  test('a trace captured on a plain object, as cdktf does for every token, becomes empty', () => {
    const restore = skipTokenCreationTraces({});
    try {
      expect(captured()).toBe('');
    } finally {
      restore();
    }
    expect(captured()).toContain('captured');
  });

  test('a real error keeps its message and every frame', () => {
    const restore = skipTokenCreationTraces({});
    let stack: string | undefined;
    try {
      stack = new TypeError('bad value').stack;
    } finally {
      restore();
    }
    expect(stack).toMatch(/^TypeError: bad value\n {4}at /);
    expect(stack).toContain('token-traces.test.ts');
  });

  test('BOOTSTRAP_TOKEN_TRACES=1 keeps the traces for debugging a token error', () => {
    const restore = skipTokenCreationTraces({ BOOTSTRAP_TOKEN_TRACES: '1' });
    try {
      expect(captured()).toContain('captured');
    } finally {
      restore();
    }
  });

  test('restoring puts back the hook that was there before', () => {
    const hooks = Error as unknown as { prepareStackTrace?: unknown };
    const before = hooks.prepareStackTrace;
    skipTokenCreationTraces({})();
    expect(hooks.prepareStackTrace).toBe(before);
  });
});
