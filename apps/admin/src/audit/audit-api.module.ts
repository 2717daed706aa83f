import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';

/** Audit queries for auditors (the trail itself is `AuditModule` from `@dss/audit`). */
@Module({ controllers: [AuditController], providers: [AuditQueryService] })
export class AuditApiModule {}
