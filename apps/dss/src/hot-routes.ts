import { type INestApplication, type ValidationPipe } from '@nestjs/common';
import { type HotRoute, SecureChannelService } from '@dss/secure-channel';
import { callerOf } from './caller';
import { isWellFormedSignDto, SignDto } from './signing/dto/sign.dto';
import { SigningService } from './signing/signing.service';

/**
 * The employee API's hot routes, dispatched without Nest's router (see `hotRoutes`): the
 * handshake and SignDoc, the two requests a signing client repeats. Each entry does what its
 * controller does — `HandshakeController.handshake`, `SigningController.sign` — with the same
 * service and the same method, path, state and status (a test holds them to the controllers'
 * metadata), and validates with the app's own ValidationPipe (`pipe`, the global pipe).
 */
export function dssHotRoutes(app: INestApplication, pipe: ValidationPipe): HotRoute[] {
  const channel = app.get(SecureChannelService);
  const signing = app.get(SigningService);
  return [
    {
      kind: 'public',
      method: 'POST',
      path: '/v1/handshake',
      status: 200,
      handle: (body, client) => channel.handshake(body, client),
    },
    {
      kind: 'sealed',
      method: 'POST',
      path: '/v1/signatures',
      state: 'authenticated',
      status: 200,
      handle: async (body, session) => {
        // A body the DTO would accept as it is skips class-transformer (isWellFormedSignDto
        // checks exactly the DTO's rules; its spec holds them together).
        const dto = isWellFormedSignDto(body)
          ? body
          : ((await pipe.transform(body, { type: 'body', metatype: SignDto })) as SignDto);
        return signing.sign(callerOf(session), dto);
      },
    },
  ];
}
