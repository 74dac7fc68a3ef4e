import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';

/** Body of `PUT /capabilities/{verb}:{name}/canary` (spec 003 canary router, per capability). */
export class CanaryPolicyDto {
  @ApiProperty({ example: '1.0.0', description: 'Version serving everyone not on the canary.' })
  @IsString()
  @Length(1, 256)
  stable_version!: string;

  @ApiProperty({ example: '1.1.0' })
  @IsString()
  @Length(1, 256)
  canary_version!: string;

  @ApiProperty({
    minimum: 0,
    maximum: 100,
    example: 10,
    description: 'Share of routing keys on the canary (0.01 resolution).',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  percentage!: number;

  @ApiPropertyOptional({ type: [String], description: 'Routing keys always on the canary.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @Length(1, 512, { each: true })
  cohort?: string[];

  @ApiPropertyOptional({
    description:
      'Serve everyone from stable and mirror the canary share to the canary, ignoring its answers.',
  })
  @IsOptional()
  @IsBoolean()
  dark_launch?: boolean;

  @ApiPropertyOptional({
    description: 'Mixed into the hash so two capabilities at one percentage pick different keys.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  salt?: string;
}
