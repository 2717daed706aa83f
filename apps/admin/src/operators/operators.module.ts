import { Module } from '@nestjs/common';
import { OperatorsController } from './operators.controller';
import { OperatorAccountsService } from './operators.service';

/** Operator accounts (admins and auditors). */
@Module({ controllers: [OperatorsController], providers: [OperatorAccountsService] })
export class OperatorsModule {}
