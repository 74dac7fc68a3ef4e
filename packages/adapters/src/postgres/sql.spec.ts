import { DomainErrorCodes } from '@slo-engine/core';
import { arrayLiteral, decodeCursor, encodeCursor } from './sql';

describe('arrayLiteral', () => {
  it('quotes every element and writes null as NULL', () => {
    expect(arrayLiteral(['a', null, 'NULL', 'x,{y}'])).toBe('{"a",null,"NULL","x,{y}"}');
    expect(arrayLiteral([1, 0.5, null])).toBe('{1,0.5,null}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('escapes quotes and backslashes the way PostgreSQL reads them', () => {
    expect(arrayLiteral(['say "hi"', 'a\\b'])).toBe('{"say \\"hi\\"","a\\\\b"}');
  });

  it('falls back to its own quoting when JSON would use an escape PostgreSQL does not know', () => {
    expect(arrayLiteral(['tab\there', null, 7])).toBe('{"tab\there",NULL,"7"}');
    expect(arrayLiteral(['a\\nb'])).toBe('{"a\\\\nb"}');
  });
});

describe('keyset cursors', () => {
  it('round-trips a key', () => {
    expect(decodeCursor(encodeCursor(['svc-1', 'x']), 2)).toEqual(['svc-1', 'x']);
  });

  it.each(['', '!!!', encodeCursor(['only-one']), Buffer.from('[1,2]').toString('base64url')])(
    'rejects %p',
    (cursor) => {
      let thrown: unknown;
      try {
        decodeCursor(cursor, 2);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: DomainErrorCodes.INVALID_CURSOR });
    },
  );
});
