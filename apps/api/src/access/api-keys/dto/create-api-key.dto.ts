import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import {
  ACCESS_ROLES,
  MAX_API_KEY_NAME_LENGTH,
  MAX_API_KEY_TEAM_LENGTH,
  type AccessRole,
} from '@slo-engine/core';

const NOT_BLANK = /\S/;
// Without an offset, "2026-06-01T00:00:00" would mean the server's local time.
const WITH_TIME_ZONE = /(Z|[+-]\d{2}:\d{2})$/;

/** Body of POST /api/v1/api-keys. The creator is the authenticated caller, never a body field. */
export class CreateApiKeyDto {
  @ApiProperty({
    example: 'backstage-prod',
    minLength: 1,
    maxLength: MAX_API_KEY_NAME_LENGTH,
    description: 'What the key is for; shown in lists and in the audit actor `api-key:<name>`.',
  })
  @IsString()
  @Length(1, MAX_API_KEY_NAME_LENGTH)
  @Matches(NOT_BLANK, { message: 'name must not be only spaces' })
  name!: string;

  @ApiProperty({ enum: ACCESS_ROLES, example: 'viewer' })
  @IsIn(ACCESS_ROLES)
  role!: AccessRole;

  @ApiPropertyOptional({
    example: 'payments',
    maxLength: MAX_API_KEY_TEAM_LENGTH,
    nullable: true,
    type: String,
    description:
      'Required for `service_owner`: the team whose services the key may act on (`services.team`).',
  })
  @ValidateIf(
    (body: CreateApiKeyDto) =>
      body.role === 'service_owner' || (body.team !== undefined && body.team !== null),
  )
  @IsString({ message: 'team is required for a service_owner key and must be text' })
  @Length(1, MAX_API_KEY_TEAM_LENGTH)
  @Matches(NOT_BLANK, { message: 'team must not be only spaces' })
  team?: string | null;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-31T23:59:59Z',
    nullable: true,
    type: String,
    description: 'When the key stops working (a future time with a time zone); absent: never.',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(WITH_TIME_ZONE, { message: 'expires_at must carry a time zone (Z or ±hh:mm)' })
  expires_at?: string | null;
}
