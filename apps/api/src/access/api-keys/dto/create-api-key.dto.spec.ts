import { type ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe, RequestValidationException } from '@slo-engine/platform';
import { CreateApiKeyDto } from './create-api-key.dto';
import { ListApiKeysQueryDto } from './list-api-keys-query.dto';

const pipe = createValidationPipe();
const asBody: ArgumentMetadata = { type: 'body', metatype: CreateApiKeyDto };

async function fieldsRejected(body: unknown): Promise<string[]> {
  try {
    await pipe.transform(body, asBody);
  } catch (error) {
    if (error instanceof RequestValidationException) {
      return [...new Set(error.fieldErrors.map((fieldError) => fieldError.field))];
    }
    throw error;
  }
  return [];
}

describe('CreateApiKeyDto', () => {
  it.each([
    { name: 'backstage-prod', role: 'viewer' },
    { name: 'ci', role: 'sre_admin', team: null, expires_at: null },
    { name: 'payments-bot', role: 'service_owner', team: 'payments' },
    { name: 'x', role: 'viewer', expires_at: '2026-12-31T23:59:59Z' },
    { name: 'x', role: 'viewer', expires_at: '2026-12-31T23:59:59.123+02:00' },
  ])('accepts %p', async (body) => {
    expect(await fieldsRejected(body)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['no name', { role: 'viewer' }, ['name']],
    ['a blank name', { name: '   ', role: 'viewer' }, ['name']],
    ['a 101-character name', { name: 'n'.repeat(101), role: 'viewer' }, ['name']],
    ['a numeric name', { name: 42, role: 'viewer' }, ['name']],
    ['an unknown role', { name: 'x', role: 'admin' }, ['role']],
    ['no role', { name: 'x' }, ['role']],
    ['a service_owner without team', { name: 'x', role: 'service_owner' }, ['team']],
    [
      'a service_owner with a null team',
      { name: 'x', role: 'service_owner', team: null },
      ['team'],
    ],
    ['a blank team', { name: 'x', role: 'viewer', team: ' ' }, ['team']],
    [
      'a date without time zone',
      { name: 'x', role: 'viewer', expires_at: '2026-12-31T23:59:59' },
      ['expires_at'],
    ],
    ['text as date', { name: 'x', role: 'viewer', expires_at: 'tomorrow' }, ['expires_at']],
    [
      'a client-chosen creator',
      { name: 'x', role: 'viewer', created_by: 'mallory' },
      ['created_by'],
    ],
    ['a client-chosen key', { name: 'x', role: 'viewer', api_key: 'sloe_x' }, ['api_key']],
  ])('rejects %s, naming the field', async (_label, body, fields) => {
    expect(await fieldsRejected(body)).toEqual(fields);
  });
});

describe('ListApiKeysQueryDto', () => {
  const asQuery: ArgumentMetadata = { type: 'query', metatype: ListApiKeysQueryDto };

  it('turns limit into a number', async () => {
    expect(await pipe.transform({ limit: '20', cursor: 'abc' }, asQuery)).toEqual(
      Object.assign(new ListApiKeysQueryDto(), { limit: 20, cursor: 'abc' }),
    );
  });

  it.each([{ limit: '0' }, { limit: '501' }, { limit: 'ten' }, { cursor: '' }, { team: 'x' }])(
    'rejects %p',
    async (query) => {
      await expect(pipe.transform(query, asQuery)).rejects.toBeInstanceOf(
        RequestValidationException,
      );
    },
  );
});
