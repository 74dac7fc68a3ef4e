/**
 * Request bodies of the auto-approval rule endpoints (snake_case). Types and presence only: the
 * value rules (known criticalities and tiers, confidence in 0–1, no repeats, name syntax) are the
 * use cases', so every caller gets the same messages. Unknown fields, nested ones included, are
 * refused by the global validation pipe.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  AUTO_APPROVAL_SLI_TYPES,
  AUTO_APPROVAL_TIERS,
  MAX_RULE_NAME_LENGTH,
  MAX_RULE_TEAMS,
  SERVICE_CRITICALITIES,
} from '@slo-engine/core';

const FINITE = { allowNaN: false, allowInfinity: false } as const;

/** May be left out, but not sent as null (unlike `@IsOptional()`, which lets null through). */
const Omittable = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

const NAME_DESCRIPTION = `1–${MAX_RULE_NAME_LENGTH} characters: a letter or digit, then letters, digits, \`.\`, \`_\`, \`-\`. Unique. Decisions of the rule are audited as \`system:auto-approval:<name>\`, and when several enabled rules match a recommendation the first by name (code-unit order) decides.`;

export class AutoApprovalConditionsDto {
  @ApiProperty({
    type: [String],
    enum: SERVICE_CRITICALITIES,
    example: ['low'],
    description: "The service's criticality must be one of these (non-empty, no repeats).",
  })
  @IsArray()
  @IsString({ each: true })
  criticality!: string[];

  @ApiProperty({
    minimum: 0,
    maximum: 1,
    example: 0.85,
    description:
      "The recommendation's confidence must be at least this: its data completeness (the share of the lookback window with telemetry, `data_quality.data_completeness`), or 0 for a cold-start recommendation (an archetype baseline from under 30 days of data).",
  })
  @IsNumber(FINITE)
  confidence_min!: number;

  @ApiProperty({
    enum: AUTO_APPROVAL_TIERS,
    example: 'balanced',
    description: 'The tier a matching recommendation is accepted at (not a condition).',
  })
  @IsString()
  tier!: string;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: MAX_RULE_TEAMS,
    example: ['social'],
    description:
      "The service's team must be one of these (exact match); omitted or null: any team, services without a team included.",
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  teams?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    enum: AUTO_APPROVAL_SLI_TYPES,
    default: [...AUTO_APPROVAL_SLI_TYPES],
    description: 'SLI types of recommendations the rule applies to; both when omitted.',
  })
  @Omittable()
  @IsArray()
  @IsString({ each: true })
  sli_types?: string[];
}

export class CreateAutoApprovalRuleDto {
  @ApiProperty({ example: 'low-criticality-balanced', description: NAME_DESCRIPTION })
  @IsString()
  name!: string;

  @ApiProperty({ type: AutoApprovalConditionsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AutoApprovalConditionsDto)
  conditions!: AutoApprovalConditionsDto;

  @ApiPropertyOptional({
    default: false,
    description: 'Rules are created disabled unless this is true.',
  })
  @Omittable()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateAutoApprovalRuleDto {
  @ApiPropertyOptional({ example: 'low-criticality-balanced', description: NAME_DESCRIPTION })
  @Omittable()
  @IsString()
  name?: string;

  @ApiPropertyOptional({
    type: AutoApprovalConditionsDto,
    description: 'Replaces the conditions as a whole.',
  })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => AutoApprovalConditionsDto)
  conditions?: AutoApprovalConditionsDto;

  @ApiPropertyOptional({ description: 'true enables the rule, false disables it.' })
  @Omittable()
  @IsBoolean()
  enabled?: boolean;
}

export class DryRunAutoApprovalRuleDto {
  @ApiPropertyOptional({
    example: 'low-criticality-balanced',
    description: 'Optional; checked like a stored rule name, then only echoed back.',
  })
  @Omittable()
  @IsString()
  name?: string;

  @ApiProperty({ type: AutoApprovalConditionsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AutoApprovalConditionsDto)
  conditions!: AutoApprovalConditionsDto;
}
