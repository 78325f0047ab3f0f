import { formatTable } from '../../src/report/table';

describe('formatTable', () => {
  test('pads every column to its widest cell under a header and a rule', () => {
    expect(
      formatTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', 'wwww'],
        ],
      ),
    ).toBe(['A    BB', '---  ----', 'xxx  y', 'z    wwww'].join('\n'));
  });
});
