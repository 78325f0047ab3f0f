// The fault proxy of the network-fault e2e test, in front of a tiny fake S3 on loopback: it injects the
// planned faults (error answers in S3's format, connection resets) on the first attempts only, the same
// ones for the same seed, and a project S3 client rides them out with its retries.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { sandboxS3Client } from '../../src/sandbox/s3-client';
import {
  attemptOf,
  clientOf,
  errorAnswer,
  type FaultCounts,
  type FaultPlan,
  signingService,
  startFaultProxy,
} from './fault-proxy';

let fake: http.Server;
let fakeEndpoint: string;
let seen = 0;

beforeAll(async () => {
  fake = http.createServer((request, response) => {
    seen++;
    request.resume();
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end('<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeEndpoint = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});

afterAll(async () => {
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
});

/** Five listings through a fresh proxy with `seed`; what it injected. */
async function listThrough(seed: number, plan: FaultPlan): Promise<FaultCounts> {
  const proxy = await startFaultProxy(fakeEndpoint, seed, plan);
  const s3 = sandboxS3Client(proxy.endpoint, 'us-east-1', { accessKeyId: 'test', secretAccessKey: 'test' });
  try {
    for (let index = 0; index < 5; index++) {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: 'b' }));
      expect(out.KeyCount).toBe(0);
    }
    return proxy.counts();
  } finally {
    s3.destroy();
    await proxy.stop();
  }
}

test('every call meets its planned faults (errors and resets) on its first attempts and still succeeds', async () => {
  seen = 0;
  const counts = await listThrough(7, { share: 1, attempts: 2, resetShare: 0.5 });
  expect(counts.errors + counts.resets).toBe(10);
  expect(counts.errors).toBeGreaterThan(0);
  expect(counts.resets).toBeGreaterThan(0);
  expect(counts.forwarded).toBe(5);
  expect(seen).toBe(5);
  expect(counts.byClient).toEqual({ 'sdk-js': 10 });
  expect(counts.byService).toEqual({ s3: 10 });
}, 60_000);

test('the same seed injects the same faults; a share of 0 or another client target injects none', async () => {
  const plan = { share: 0.5, attempts: 1, resetShare: 0.3 };
  expect(await listThrough(42, plan)).toEqual(await listThrough(42, plan));
  expect((await listThrough(1, { ...plan, share: 0 })).forwarded).toBe(5);
  const terraformOnly = await listThrough(1, { share: 1, attempts: 3, resetShare: 0, target: 'terraform' });
  expect(terraformOnly).toMatchObject({ errors: 0, resets: 0, forwarded: 5 });
}, 60_000);

test('requests are told apart by service, client and attempt from their headers', () => {
  const headers = {
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x',
    'user-agent': 'APN/1.0 HashiCorp/1.0 Terraform/1.11.4 aws-sdk-go-v2/1.36.3',
    'amz-sdk-request': 'attempt=3; max=25',
  };
  expect(signingService(headers)).toBe('sts');
  expect(clientOf(headers)).toBe('terraform');
  expect(attemptOf(headers)).toBe(3);
  expect(clientOf({ 'x-amz-user-agent': 'aws-sdk-js/3.1169.0' })).toBe('sdk-js');
  expect(attemptOf({})).toBe(1);
});

test('error answers have the format the service’s protocol expects', () => {
  expect(errorAnswer('s3', {}, true)).toMatchObject({
    status: 503,
    body: expect.stringContaining('<Code>SlowDown</Code>') as string,
  });
  expect(errorAnswer('s3', {}, false)).toMatchObject({
    status: 500,
    body: expect.stringContaining('<Code>InternalError</Code>') as string,
  });
  const json = errorAnswer(
    'kms',
    { 'x-amz-target': 'TrentService.DescribeKey', 'content-type': 'application/x-amz-json-1.1' },
    true,
  );
  expect(json).toMatchObject({ status: 503, contentType: 'application/x-amz-json-1.1' });
  expect(JSON.parse(json.body)).toMatchObject({ __type: 'ThrottlingException' });
  expect(errorAnswer('ec2', {}, true).body).toContain('<Response><Errors><Error><Code>RequestLimitExceeded</Code>');
  expect(errorAnswer('iam', {}, false)).toMatchObject({
    status: 500,
    body: expect.stringContaining('<Code>InternalFailure</Code>') as string,
  });
});
