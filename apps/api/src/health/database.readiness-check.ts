import { Injectable } from '@nestjs/common';
import { ReadinessCheck } from '@slo-engine/platform';
import { DataSource } from 'typeorm';

@Injectable()
export class DatabaseReadinessCheck extends ReadinessCheck {
  readonly name = 'database';
  constructor(private readonly dataSource: DataSource) {
    super();
  }
  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
