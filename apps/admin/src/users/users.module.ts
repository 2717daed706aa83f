import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Employee accounts: registration and the admin operations of `dss-admin users`. */
@Module({ imports: [ApprovalsModule], controllers: [UsersController], providers: [UsersService] })
export class UsersModule {}
