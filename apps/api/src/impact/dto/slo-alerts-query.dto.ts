import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DEFAULT_SLO_ALERT_FORMAT, SLO_ALERT_FORMATS, type SloAlertFormat } from '@slo-engine/core';

export class SloAlertsQueryDto {
  @ApiPropertyOptional({
    enum: SLO_ALERT_FORMATS,
    default: DEFAULT_SLO_ALERT_FORMAT,
    description:
      '`prometheus`: a rule file (recording rules and multi-window multi-burn-rate alerts); `openslo`: OpenSLO v1 SLI and SLO documents.',
  })
  @IsOptional()
  @IsIn(SLO_ALERT_FORMATS)
  format?: SloAlertFormat;
}
