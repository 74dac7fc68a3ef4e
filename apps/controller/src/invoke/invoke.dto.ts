import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Length } from 'class-validator';
import { RouteRequestDto } from '../registry/registry.dto';

/** Body of `POST /invoke`: a route request plus the payload to forward (spec 000 session 3). */
export class InvokeRequestDto extends RouteRequestDto {
  @ApiProperty({
    description: 'Forwarded to the worker as `payload`; any JSON value.',
    example: { doc: 'hello' },
  })
  @IsDefined()
  request_payload!: unknown;

  @ApiPropertyOptional({
    description:
      'Spec 000 body form of the Idempotency-Key header (the header wins; both present and different is a 400).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  idempotency_key?: string;
}

export class InvokeResponseDto {
  @ApiProperty() worker_id!: string;
  @ApiProperty() version!: string;
  @ApiPropertyOptional({ enum: ['stable', 'canary'] }) canary?: string;
  @ApiProperty({
    description: "The worker's HTTP status (2xx or 4xx; the controller answers with it).",
  })
  status!: number;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ description: "The worker's JSON answer." }) result!: unknown;
}
