import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { ApiErrors } from '../common/api-errors.decorator';
import { CurrentOperator, type OperatorContext } from '../common/operator-context';
import { Roles } from '../common/roles.decorator';
import { AuditQueryService } from './audit-query.service';
import {
  AuditEventPageDto,
  ChainVerificationDto,
  ExportQueryDto,
  IntegrityStatusDto,
  KeyDeletionPageDto,
  ListAuditEventsQueryDto,
  ListKeyDeletionsQueryDto,
  VerifyQueryDto,
} from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get('events')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Audit events',
    description:
      'The hash-chained trail, filtered by action, actor, subject and time range, a page at a time: pass `nextCursor` as `after` for the next page. Recorded as `audit.read`.',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiErrors({ 400: ['invalid_request'] })
  events(
    @Query() query: ListAuditEventsQueryDto,
    @CurrentOperator() by: OperatorContext,
  ): Promise<AuditEventPageDto> {
    return this.audit.events(query, by);
  }

  @Get('key-deletions')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Key deletions',
    description:
      'Who deleted which key pair and when (from the `key.deleted` events), whether and by whom a new key pair was allowed afterwards, checked against the key records; plus any key record marked deleted without an event. Recorded as `audit.read`.',
  })
  @ApiOkResponse({ type: KeyDeletionPageDto })
  @ApiErrors({ 400: ['invalid_request'] })
  keyDeletions(
    @Query() query: ListKeyDeletionsQueryDto,
    @CurrentOperator() by: OperatorContext,
  ): Promise<KeyDeletionPageDto> {
    return this.audit.keyDeletions(query, by);
  }

  @Get('verify')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Verify the trail against the signed log',
    description:
      'Recomputes the hash chain and the Merkle tree over every event and checks them against every signed checkpoint: those in the database, the checkpoint file, and `checkpoint` when given (one saved outside the database: the only kind the database administrators cannot rewrite). Names the first altered, missing, reordered or removed event. Keep `latestCheckpoint` somewhere else. Recorded as `audit.verified`.',
  })
  @ApiOkResponse({ type: ChainVerificationDto })
  @ApiErrors({ 400: ['invalid_request', 'invalid_checkpoint'] })
  verify(
    @Query() query: VerifyQueryDto,
    @CurrentOperator() by: OperatorContext,
  ): Promise<ChainVerificationDto> {
    return this.audit.verify(by, query.checkpoint);
  }

  @Get('integrity')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'The outcome of the latest verification',
    description:
      'From the latest `audit.verified` event: the dashboard shows a banner on every page while it says the trail is broken. Reads no other event, so it is not recorded.',
  })
  @ApiOkResponse({ type: IntegrityStatusDto })
  integrity(): Promise<IntegrityStatusDto> {
    return this.audit.integrityStatus();
  }

  @Get('export')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Export the whole trail',
    description:
      "Streams every event, oldest first, as NDJSON (one event per line, as in `GET /api/audit/events`; re-verifiable) or CSV (cells a spreadsheet would run as formulas get a leading `'`). Sent as an attachment; `X-DSS-Audit-Head-Seq` and `X-DSS-Audit-Head-Hash` name the head it ends at. Recorded as `audit.exported` before the first byte.",
  })
  @ApiOkResponse({
    description: 'The trail',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors({ 400: ['invalid_request'] })
  async export(
    @Query() query: ExportQueryDto,
    @CurrentOperator() by: OperatorContext,
    @Res() res: Response,
  ): Promise<void> {
    await this.audit.export(query.format ?? 'ndjson', by, res);
  }
}
