import { Module } from '@nestjs/common';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Employee accounts: registration and the admin operations of `dss-admin users`. */
@Module({ controllers: [UsersController], providers: [UsersService] })
export class UsersModule {}
