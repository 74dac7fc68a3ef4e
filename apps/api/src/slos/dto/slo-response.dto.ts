import { ApiProperty } from '@nestjs/swagger';

export class SloTargetsDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Percent.', example: 99.95 })
  availability!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: null })
  latency_p95_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 600 })
  latency_p99_ms!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Set when the Conservative latency tier (p99.9) was accepted.',
    example: null,
  })
  latency_p999_ms!: number | null;
}

export class ActiveSloDto {
  @ApiProperty({ format: 'uuid' }) slo_id!: string;
  @ApiProperty({ example: 'checkout-service' }) service_id!: string;
  @ApiProperty({ enum: ['active'] }) status!: 'active';
  @ApiProperty({ type: SloTargetsDto }) targets!: SloTargetsDto;
  @ApiProperty({ enum: ['recommendation_accepted', 'recommendation_modified', 'manual'] })
  source!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recommendation_id!: string | null;
  @ApiProperty({ format: 'date-time' }) activated_at!: string;
  @ApiProperty({ example: 'jane.doe@company.com' }) activated_by!: string;
}

export class SloDecisionDto extends ActiveSloDto {
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { availability: '+0.05 from recommended 99.9' },
    description:
      'Per modified target, how it differs from the recommended (or previous) one; null unless modified.',
  })
  modification_delta!: Record<string, string> | null;
  @ApiProperty({
    type: [String],
    description: 'E.g. a target above the composite availability bound; also in the audit entry.',
  })
  warnings!: string[];
  @ApiProperty({ format: 'uuid' }) audit_entry_id!: string;
}

export class SloRejectionDto {
  @ApiProperty({ enum: ['rejected'] }) action!: 'rejected';
  @ApiProperty({ format: 'uuid' }) recommendation_id!: string;
  @ApiProperty({ format: 'uuid' }) audit_entry_id!: string;
  @ApiProperty({ type: ActiveSloDto, nullable: true, description: 'The SLO still active, if any.' })
  active_slo!: ActiveSloDto | null;
}

export class SloSnapshotDto {
  @ApiProperty({ format: 'uuid' }) slo_id!: string;
  @ApiProperty({ type: SloTargetsDto }) targets!: SloTargetsDto;
  @ApiProperty() source!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recommendation_id!: string | null;
  @ApiProperty({ format: 'date-time' }) activated_at!: string;
  @ApiProperty() activated_by!: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Position in the audit chain (all services).' }) sequence!: number;
  @ApiProperty() service_id!: string;
  @ApiProperty({
    enum: ['accept', 'modify', 'reject', 'auto_approve', 'expire', 'drift_triggered'],
  })
  action!: string;
  @ApiProperty({ example: 'jane.doe@company.com' }) actor!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recommendation_id!: string | null;
  @ApiProperty({ type: SloSnapshotDto, nullable: true }) previous_slo!: SloSnapshotDto | null;
  @ApiProperty({ type: SloSnapshotDto, nullable: true, description: 'null for a reject.' })
  new_slo!: SloSnapshotDto | null;
  @ApiProperty({ nullable: true, type: String }) selected_tier!: string | null;
  @ApiProperty({ nullable: true, type: String }) rationale!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: { type: 'string' } })
  modification_delta!: Record<string, string> | null;
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ description: 'sha256 (hex) of prev_hash and the canonical row.' }) hash!: string;
  @ApiProperty({ description: 'The previous entry’s hash (64 zeros for the first).' })
  prev_hash!: string;
}

export class AuditEntryPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class BrokenLinkDto {
  @ApiProperty() sequence!: number;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap'] }) reason!: string;
  @ApiProperty({ description: 'What the chain needed at this link.' }) expected!: string;
  @ApiProperty({ description: 'What the stored row has.' }) actual!: string;
}

export class AuditVerificationDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Rows read and checked, the broken one included.' })
  rows_checked!: number;
  @ApiProperty({
    description:
      'Hash of the last intact entry (64 zeros when empty). Record it outside the database: a later head must chain from it.',
  })
  head_hash!: string;
  @ApiProperty() head_sequence!: number;
  @ApiProperty({ type: BrokenLinkDto, nullable: true }) first_broken_link!: BrokenLinkDto | null;
  @ApiProperty({ format: 'date-time' }) verified_at!: string;
}
