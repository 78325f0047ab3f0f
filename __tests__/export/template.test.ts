import { heredocLines, literalTemplate, quotedTemplate, singleInterpolation, templateParts } from '../../src/export/template';

describe('templateParts', () => {
  test('it splits a template into literal text and interpolations', () => {
    expect(templateParts('arn:${data.aws_partition.p.partition}:s3:::b/*')).toEqual([
      { kind: 'literal', source: 'arn:' },
      { kind: 'interpolation', source: '${data.aws_partition.p.partition}', inner: 'data.aws_partition.p.partition' },
      { kind: 'literal', source: ':s3:::b/*' },
    ]);
  });

  test('it follows braces and quoted strings inside an interpolation to find its end', () => {
    const parts = templateParts('x${jsonencode({"a" = "}", b = "${upper("}")}"})}y');
    expect(parts.map((part) => part.kind)).toEqual(['literal', 'interpolation', 'literal']);
    expect(parts[1]?.source).toBe('${jsonencode({"a" = "}", b = "${upper("}")}"})}');
  });

  test('it keeps escaped sequences ($${ and %%{) in the literal text', () => {
    expect(templateParts('a $${b} %%{c}')).toEqual([{ kind: 'literal', source: 'a $${b} %%{c}' }]);
  });

  test('it reads %{ } as a directive', () => {
    expect(templateParts('%{ if x }y%{ endif }').map((part) => part.kind)).toEqual(['directive', 'literal', 'directive']);
  });

  test('it rejects an unterminated interpolation, naming the template', () => {
    expect(() => templateParts('a ${b')).toThrow('unterminated "${" or "%{" sequence in "a ${b"');
  });
});

describe('singleInterpolation', () => {
  test('it returns the expression of a template that is one interpolation', () => {
    expect(singleInterpolation('${aws_vpc.v.id}')).toBe('aws_vpc.v.id');
    expect(singleInterpolation('${ length(self.names) >= 2 }')).toBe('length(self.names) >= 2');
  });

  test('it returns nothing for text around an interpolation, two interpolations, escapes or strip markers', () => {
    for (const template of ['${a}-x', '${a}${b}', '$${a}', '${~a}', 'plain'])
      expect(singleInterpolation(template)).toBeUndefined();
  });
});

describe('quotedTemplate', () => {
  test('it escapes quotes, backslashes and control characters in the literal text only', () => {
    expect(quotedTemplate('say "hi"\\\n\t\r\u0001${lookup(m, "k")}')).toBe('"say \\"hi\\"\\\\\\n\\t\\r\\u0001${lookup(m, "k")}"');
  });

  test('it leaves $${ and %%{ as they are, since HCL reads them as JSON does', () => {
    expect(quotedTemplate('$${a} %%{b}')).toBe('"$${a} %%{b}"');
  });
});

describe('literalTemplate', () => {
  test('it escapes ${ and %{ so the text reads back as it is', () => {
    expect(literalTemplate('a${b}%{c}$${d}')).toBe('a$${b}%%{c}$$${d}');
  });
});

describe('heredocLines', () => {
  test('it writes a multi-line text that ends with a newline as a heredoc with unindented lines', () => {
    expect(heredocLines('#!/bin/sh\n  echo "${var.x}"\n')).toEqual(['<<EOT', '#!/bin/sh', '  echo "${var.x}"', 'EOT']);
  });

  test('it picks another marker when a line of the text is EOT', () => {
    expect(heredocLines('a\nEOT\n')).toEqual(['<<EOT1', 'a', 'EOT', 'EOT1']);
  });

  test('it gives nothing for one line, a text without a final newline, or a carriage return', () => {
    for (const text of ['one line\n', 'a\nb', 'a\r\nb\r\n']) expect(heredocLines(text)).toBeUndefined();
  });
});
