import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Needs TransactionRunner and CLOCK from the host app's core modules. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
