import { Module } from '@nestjs/common';

/** Placeholder: filled in by its feature. */
@Module({})
export class AccessModule {}
