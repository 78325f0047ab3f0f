// A fault-injecting HTTP proxy on loopback in front of a local AWS double (moto): it forwards requests
// and answers a chosen share of them with the errors AWS sends under load (S3's 503 SlowDown and 500
// InternalError in XML, the JSON and query-protocol services' throttling and internal errors in their
// formats) or resets the connection, deterministically for a seed, and counts what it injected.
// Faults are injected before a request reaches the double, as AWS throttles before acting: the
// retried request is then the first one the double sees, so a retry never meets its own earlier effect.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which AWS clients' requests meet faults. */
export type FaultTarget = 'all' | 'sdk-js' | 'terraform';

export interface FaultPlan {
  /** Share (0 to 1) of invocations (an SDK call with all its retries) that meet faults. */
  readonly share: number;
  /** How many attempts of such an invocation fail, the first ones: 1 = the first attempt only. */
  readonly attempts: number;
  /** Share (0 to 1) of the injected faults that are connection resets; the rest are error answers. */
  readonly resetShare: number;
  /** Whose requests. @default 'all' */
  readonly target?: FaultTarget;
}

export interface FaultCounts {
  /** Requests forwarded to the double. */
  forwarded: number;
  /** Error answers sent instead of forwarding. */
  errors: number;
  /** Connections reset instead of answering. */
  resets: number;
  /** Faults (errors + resets) by client (`sdk-js`, `terraform`, `other`) and signing service (`s3`, `sts`...). */
  byClient: Record<string, number>;
  byService: Record<string, number>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to clients as `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** Changes the plans from the next request on: a request follows the first plan whose target it matches. */
  setPlan(...plans: readonly FaultPlan[]): void;
  /** What was injected since the start or the last {@link FaultProxy.resetCounts}. */
  counts(): FaultCounts;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** mulberry32: a small seeded generator, so a run's fault pattern repeats for the same seed and request order. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The signing service of a SigV4 request (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export function signingService(headers: http.IncomingHttpHeaders): string {
  const authorization = headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1] ?? 'unsigned';
}

/** `sdk-js` for the AWS SDK for JavaScript (the project's scripts), `terraform` for the AWS provider. */
export function clientOf(headers: http.IncomingHttpHeaders): 'sdk-js' | 'terraform' | 'other' {
  const agent = `${headers['user-agent'] ?? ''} ${String(headers['x-amz-user-agent'] ?? '')}`;
  if (/aws-sdk-js/.test(agent)) return 'sdk-js';
  if (/Terraform|aws-sdk-go/.test(agent)) return 'terraform';
  return 'other';
}

/** The attempt number an SDK sends in `amz-sdk-request: attempt=2; max=5` (1 when absent). */
export function attemptOf(headers: http.IncomingHttpHeaders): number {
  const match = /attempt=(\d+)/.exec(String(headers['amz-sdk-request'] ?? ''));
  return match?.[1] !== undefined ? Number(match[1]) : 1;
}

export interface ErrorAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * An error answer as `service` sends it: S3 XML (`SlowDown` 503, `InternalError` 500), JSON with
 * `__type` for the JSON-protocol services (DynamoDB, KMS, CloudWatch Logs, Organizations), EC2's
 * `<Response><Errors>` and the query protocol's `<ErrorResponse>` (IAM, STS) otherwise.
 */
export function errorAnswer(service: string, headers: http.IncomingHttpHeaders, throttle: boolean): ErrorAnswer {
  const status = throttle ? 503 : 500;
  if (service === 's3') {
    const [code, message] = throttle
      ? ['SlowDown', 'Please reduce your request rate.']
      : ['InternalError', 'We encountered an internal error. Please try again.'];
    return {
      status,
      contentType: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULT</RequestId></Error>`,
    };
  }
  const message = throttle ? 'Rate exceeded (injected by the fault proxy)' : 'Internal failure (injected by the fault proxy)';
  if (headers['x-amz-target'] !== undefined) {
    const type = throttle ? 'ThrottlingException' : 'InternalFailure';
    const contentType = headers['content-type'] ?? 'application/x-amz-json-1.1';
    return { status, contentType, body: JSON.stringify({ __type: type, message }) };
  }
  if (service === 'ec2') {
    const code = throttle ? 'RequestLimitExceeded' : 'InternalError';
    return {
      status,
      contentType: 'text/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>FAULT</RequestID></Response>`,
    };
  }
  const code = throttle ? 'Throttling' : 'InternalFailure';
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>${throttle ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>FAULT</RequestId></ErrorResponse>`,
  };
}

/** Starts the proxy on a free loopback port, forwarding to `target` (e.g. moto's `http://127.0.0.1:<port>`). */
export async function startFaultProxy(target: string, seed: number, ...initial: readonly FaultPlan[]): Promise<FaultProxy> {
  const upstream = new URL(target);
  const random = seededRandom(seed);
  const agent = new http.Agent({ keepAlive: true });
  let plans = initial;
  // Invocations (amz-sdk-invocation-id) already chosen to meet faults, or to pass, with their fault kinds.
  const decisions = new Map<string, boolean>();
  const fresh = (): FaultCounts => ({ forwarded: 0, errors: 0, resets: 0, byClient: {}, byService: {} });
  let counts = fresh();
  let throttleNext = true;

  /** The plan whose fault this request meets, or `undefined` to forward it. */
  const faulty = (request: http.IncomingMessage): FaultPlan | undefined => {
    const client = clientOf(request.headers);
    const plan = plans.find((candidate) => (candidate.target ?? 'all') === 'all' || candidate.target === client);
    if (plan === undefined || attemptOf(request.headers) > plan.attempts) return undefined;
    const invocation = request.headers['amz-sdk-invocation-id'];
    const key = typeof invocation === 'string' ? invocation : undefined;
    const known = key !== undefined ? decisions.get(key) : undefined;
    const chosen = known ?? random() < plan.share;
    if (key !== undefined) decisions.set(key, chosen);
    return chosen ? plan : undefined;
  };

  const count = (request: http.IncomingMessage, kind: 'errors' | 'resets'): void => {
    counts[kind]++;
    const client = clientOf(request.headers);
    const service = signingService(request.headers);
    counts.byClient[client] = (counts.byClient[client] ?? 0) + 1;
    counts.byService[service] = (counts.byService[service] ?? 0) + 1;
  };

  const server = http.createServer((request, response) => {
    const plan = faulty(request);
    if (plan !== undefined) {
      if (random() < plan.resetShare) {
        count(request, 'resets');
        // An RST, as a dropped Wi-Fi or a load balancer cutting the connection looks to the client.
        request.socket.resetAndDestroy();
        return;
      }
      count(request, 'errors');
      const answer = errorAnswer(signingService(request.headers), request.headers, throttleNext);
      throttleNext = !throttleNext;
      // Read the request body first: a client still sending it would see a reset instead of the answer.
      request.resume();
      request.on('end', () => {
        response.writeHead(answer.status, {
          'content-type': answer.contentType,
          'content-length': Buffer.byteLength(answer.body),
        });
        response.end(answer.body);
      });
      return;
    }
    counts.forwarded++;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', (error) => {
      response.destroy(error);
    });
    request.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setPlan: (...next) => {
      plans = next;
      decisions.clear();
    },
    counts: () => structuredClone(counts),
    resetCounts: () => {
      counts = fresh();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
