import { Fn, TerraformStack, Testing } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { resolveIn } from '../../src/guard/context';
import { decodeJsonencode } from '../../src/guard/hcl-expression';

/** What the guard sees for `Fn.jsonencode(value)`: the string cdktf renders, read back. */
function roundTrip(build: (stack: TerraformStack) => unknown): unknown {
  const stack = new TerraformStack(Testing.app(), 'hcl');
  const rendered = resolveIn(stack, Fn.jsonencode(build(stack)));
  expect(typeof rendered).toBe('string');
  return decodeJsonencode(rendered as string);
}

describe('reading back Fn.jsonencode', () => {
  test('objects, arrays, strings, numbers and booleans come back as written', () => {
    const value = { Version: '2012-10-17', 'key-with-dash': [1, 2.5, true, false, 'x'], nested: { deeper: { a: 'b' } } };
    expect(roundTrip(() => value)).toEqual(value);
  });

  // cdktf 0.21 escapes newlines but not quotes or backslashes in jsonencode strings (it renders
  // invalid HCL for those, which Terraform refuses too); such a policy is unreadable, see below.
  test('escaped newlines and tabs, and a literal "${" in a string, are decoded', () => {
    expect(roundTrip(() => ({ s: 'line\nnext\ttab, dollar ${notaref}' }))).toEqual({ s: 'line\nnext\ttab, dollar ${notaref}' });
  });

  test('references and interpolations come back in their ${...} form', () => {
    const value = roundTrip((stack) => {
      const bucket = new S3Bucket(stack, 'b', { bucket: 'b' });
      return { Resource: [bucket.arn, `${bucket.arn}/*`], Joined: Fn.join(',', ['a', bucket.bucket]) };
    }) as Record<string, unknown>;
    expect(value.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.b\.arn\}$/),
      expect.stringMatching(/^\$\{aws_s3_bucket\.b\.arn\}\/\*$/),
    ]);
    expect(value.Joined).toMatch(/^\$\{join\(",", \["a", aws_s3_bucket\.b\.bucket\]\)\}$/);
  });

  test('anything that is not a jsonencode call, or is malformed, is not read', () => {
    expect(decodeJsonencode('{"a": 1}')).toBeUndefined();
    expect(decodeJsonencode('${file("policy.json")}')).toBeUndefined();
    expect(decodeJsonencode('${jsonencode({"a" = [1, 2)}')).toBeUndefined();
    expect(decodeJsonencode('${jsonencode({"s" = "quote " inside"})}')).toBeUndefined();
  });
});
