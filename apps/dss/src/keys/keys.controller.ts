import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { type ChannelSession, CurrentSession, Sealed } from '@dss/secure-channel';
import { EmptyDto } from '../auth/dto/empty.dto';
import { callerOf } from '../caller';
import {
  CreateKeysDto,
  type KeyInfo,
  RotateKeysDto,
  type RotateResult,
} from './dto/create-keys.dto';
import { GetPublicKeyDto, type PublicKeyInfo } from './dto/get-public-key.dto';
import { KeysService } from './keys.service';

/** PROTOCOL.md §4: CreateKeys, GetPublicKey, DeleteKeys; RotateKeys (docs/SIGNATURES.md). */
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @HttpCode(201)
  @Sealed()
  create(@Body() dto: CreateKeysDto, @CurrentSession() session: ChannelSession): Promise<KeyInfo> {
    return this.keys.create(callerOf(session), dto.algorithm);
  }

  @Post('public')
  @HttpCode(200)
  @Sealed()
  publicKey(
    @Body() dto: GetPublicKeyDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<PublicKeyInfo> {
    return this.keys.publicKey(callerOf(session), dto);
  }

  /** Key lifecycle: retire the active key pair and make a new one (docs/SIGNATURES.md). */
  @Post('rotate')
  @HttpCode(201)
  @Sealed()
  rotate(
    @Body() dto: RotateKeysDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<RotateResult> {
    return this.keys.rotate(callerOf(session), dto.algorithm);
  }

  @Delete()
  @HttpCode(200)
  @Sealed()
  delete(
    @Body() _dto: EmptyDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<{ keyId: string; deleted: true; deletionDueAt?: string }> {
    return this.keys.delete(callerOf(session));
  }
}
