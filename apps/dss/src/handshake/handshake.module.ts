import { Module } from '@nestjs/common';
import { HandshakeController } from './handshake.controller';

@Module({ controllers: [HandshakeController] })
export class HandshakeModule {}
