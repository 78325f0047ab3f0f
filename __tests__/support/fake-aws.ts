import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';

/** Answers of a fake AWS, by command class name (`GetRoleCommand`); an answer may throw. */
export type FakeAnswers = Record<string, (input: Record<string, unknown>) => unknown>;

/**
 * Stand-ins for AWS SDK clients (`send` and `destroy` only), all answering from `answers` by the
 * command's class name. A command without an answer rejects, so an unexpected call fails the test.
 * `sent` collects the command names in order.
 */
export function fakeAws(answers: FakeAnswers, sent: string[] = []): { s3: S3Client; ec2: EC2Client; iam: IAMClient } {
  const send = (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    const name = command.constructor.name;
    sent.push(name);
    // Asynchronous like the SDK: an answer that throws becomes a rejection.
    return Promise.resolve().then(() => {
      const answer = answers[name];
      if (answer === undefined) throw new Error(`unexpected ${name}`);
      return answer(command.input);
    });
  };
  const client = { send, destroy: () => undefined };
  return { s3: client as unknown as S3Client, ec2: client as unknown as EC2Client, iam: client as unknown as IAMClient };
}

/** An error as the AWS SDK throws it: `name` is the service's error code. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}
