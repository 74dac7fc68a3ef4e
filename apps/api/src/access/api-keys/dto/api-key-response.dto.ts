/** Response shapes of the API-key endpoints (snake_case). No hash or secret, except `api_key` once. */
import { ApiProperty } from '@nestjs/swagger';
import { ACCESS_ROLES } from '@slo-engine/core';

/** Sent with every new key: the raw key is not stored, so it cannot be shown again. */
export const API_KEY_SHOWN_ONCE_WARNING =
  'Store this API key now in a secret store: it is shown only in this response and cannot be retrieved later. If it is lost, revoke it and create a new one.';

export class ApiKeyDto {
  @ApiProperty({ example: '7hQ2mXr9LkPz', description: 'Public key id: the part after `sloe_`.' })
  id!: string;
  @ApiProperty({ example: 'backstage-prod' }) name!: string;
  @ApiProperty({ enum: ACCESS_ROLES }) role!: string;
  @ApiProperty({ example: 'payments', nullable: true, type: String }) team!: string | null;
  @ApiProperty({ example: 'alice@example.com', description: 'Who created the key.' })
  created_by!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Last successful use, recorded at most once a minute.',
  })
  last_used_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expires_at!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'sloe_7hQ2mXr9LkPz_3q2-7wZK0yNf8c1VbT5xRj6LmE9aUo4sYdHgP0iWkQe',
    description:
      'The key to send in `X-API-Key`. Shown in this response only: it is not stored and cannot be retrieved later.',
  })
  api_key!: string;
  @ApiProperty({ example: API_KEY_SHOWN_ONCE_WARNING }) warning!: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items!: ApiKeyDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last page.',
  })
  next_cursor!: string | null;
}
