import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OperatorAuthGuard } from '../common/operator-auth.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { OperatorSessionsService } from './operator-sessions.service';

/** Login, sessions and the guard that checks them on every route. */
@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    OperatorSessionsService,
    { provide: APP_GUARD, useClass: OperatorAuthGuard },
  ],
})
export class AuthModule {}
