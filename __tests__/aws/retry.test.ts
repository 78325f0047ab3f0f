// The retry settings of every project SDK client: defaults, the AWS_MAX_ATTEMPTS / AWS_RETRY_MODE
// overrides and their validation, and a real S3 client of the project riding out 503 SlowDown answers
// of a fake S3 behind its HTTP handler (nothing leaves the process).
import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ConfigError } from '../../src/config/errors';
import {
  DEFAULT_MAX_ATTEMPTS,
  describeAwsError,
  MAX_ATTEMPTS_LIMIT,
  ORGANIZATIONS_MAX_ATTEMPTS,
  retryOptions,
} from '../../src/aws/retry';
import { sandboxS3Client } from '../../src/sandbox/s3-client';

const saved = process.env;
afterEach(() => {
  process.env = saved;
});

test('by default a client makes 5 attempts in standard mode, and Organizations 10 in adaptive mode', () => {
  expect(DEFAULT_MAX_ATTEMPTS).toBe(5);
  expect(retryOptions({})).toEqual({ maxAttempts: 5, retryMode: 'standard' });
  expect(retryOptions({}, 'organizations')).toEqual({ maxAttempts: ORGANIZATIONS_MAX_ATTEMPTS, retryMode: 'adaptive' });
  expect(retryOptions({ AWS_MAX_ATTEMPTS: '', AWS_RETRY_MODE: ' ' })).toEqual({ maxAttempts: 5, retryMode: 'standard' });
});

test('AWS_MAX_ATTEMPTS and AWS_RETRY_MODE win over the defaults, for Organizations too', () => {
  expect(retryOptions({ AWS_MAX_ATTEMPTS: '12' })).toEqual({ maxAttempts: 12, retryMode: 'standard' });
  expect(retryOptions({ AWS_MAX_ATTEMPTS: ' 1 ', AWS_RETRY_MODE: 'adaptive' })).toEqual({
    maxAttempts: 1,
    retryMode: 'adaptive',
  });
  expect(retryOptions({ AWS_MAX_ATTEMPTS: String(MAX_ATTEMPTS_LIMIT), AWS_RETRY_MODE: 'standard' }, 'organizations')).toEqual({
    maxAttempts: 50,
    retryMode: 'standard',
  });
});

test.each(['0', '51', 'abc', '2.5', '-1', '5x', '1e1'])(
  'AWS_MAX_ATTEMPTS=%s is refused in one line naming the variable and the fix',
  (value) => {
    let caught: unknown;
    try {
      retryOptions({ AWS_MAX_ATTEMPTS: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`AWS_MAX_ATTEMPTS="${value}"`);
    expect(problems[0]).toMatch(/whole number from 1 to 50.*unset it for the default of 5/);
    expect(problems[0]).not.toContain('\n');
  },
);

test('an AWS_RETRY_MODE the SDK does not know (legacy is not in v3) is refused with the valid values', () => {
  expect(() => retryOptions({ AWS_RETRY_MODE: 'legacy' })).toThrow(
    /^AWS_RETRY_MODE="legacy" is not a retry mode of the AWS SDK for JavaScript; set it to "standard" or "adaptive"/,
  );
});

interface FakeAnswer {
  readonly status: number;
  readonly body: string;
}

/** A project S3 client whose HTTP handler answers from `answers` in turn (the last one repeats). */
function s3With(answers: readonly FakeAnswer[]): { client: ReturnType<typeof sandboxS3Client>; requests: () => number } {
  const client = sandboxS3Client('http://127.0.0.1:9', 'us-east-1', { accessKeyId: 'test', secretAccessKey: 'test' });
  let count = 0;
  const handle = () => {
    const answer = answers[Math.min(count, answers.length - 1)] as FakeAnswer;
    count++;
    return Promise.resolve({
      response: { statusCode: answer.status, headers: { 'content-type': 'application/xml' }, body: Buffer.from(answer.body) },
    });
  };
  Object.assign(client.config, {
    requestHandler: { handle, updateHttpClientConfig: () => undefined, httpHandlerConfigs: () => ({}) },
  });
  return { client, requests: () => count };
}

const slowDown: FakeAnswer = {
  status: 503,
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};
const internalError: FakeAnswer = {
  status: 500,
  body: '<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>',
};
const emptyListing: FakeAnswer = {
  status: 200,
  body: '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
};

// These use the SDK's real backoff (throttling: up to 1 + 2 + 4 s with jitter), hence the 60 s timeouts.
test('a project S3 client retries 503 SlowDown and 500 InternalError answers and then succeeds', async () => {
  process.env = { ...saved, AWS_MAX_ATTEMPTS: '', AWS_RETRY_MODE: '' };
  const { client, requests } = s3With([slowDown, internalError, slowDown, emptyListing]);
  const out = await client.send(new ListObjectsV2Command({ Bucket: 'b' }));
  expect(out.KeyCount).toBe(0);
  expect(out.$metadata.attempts).toBe(4);
  expect(requests()).toBe(4);
}, 60_000);

test('when the faults outlast AWS_MAX_ATTEMPTS the client gives up, and the error reads as one line', async () => {
  process.env = { ...saved, AWS_MAX_ATTEMPTS: '2' };
  const { client, requests } = s3With([slowDown]);
  const error: unknown = await client.send(new ListObjectsV2Command({ Bucket: 'b' })).catch((caught: unknown) => caught);
  expect(requests()).toBe(2);
  expect(describeAwsError(error)).toBe('SlowDown after 2 attempts: Please reduce your request rate.');
}, 60_000);

test('an error that is not retryable is not retried', async () => {
  const { client, requests } = s3With([{ status: 403, body: '' }]);
  await expect(client.send(new HeadBucketCommand({ Bucket: 'b' }))).rejects.toThrow();
  expect(requests()).toBe(1);
}, 60_000);

test('describeAwsError gives the first line of anything thrown', () => {
  expect(describeAwsError(Object.assign(new Error('a\nb'), { name: 'Boom' }))).toBe('Boom: a');
  expect(describeAwsError('plain')).toBe('plain');
});
