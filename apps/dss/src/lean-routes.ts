import { type INestApplication } from '@nestjs/common';
import { type LeanRoute, SecureChannelService } from '@dss/secure-channel';
import { callerOf } from './caller';
import { isWellFormedSignDto, SignDto } from './signing/dto/sign.dto';
import { SigningService } from './signing/signing.service';
import { createValidationPipe } from './validation';

/**
 * The employee API's hot routes, served lean in front of Nest (see `leanRoutes`): the handshake
 * and SignDoc, the two requests a signing client repeats. Each entry does what its controller
 * does — `HandshakeController.handshake`, `SigningController.sign` — with the same service and
 * the same method, path, state and status (a test holds them to the controllers' metadata).
 */
export function dssLeanRoutes(app: INestApplication): LeanRoute[] {
  const channel = app.get(SecureChannelService);
  const signing = app.get(SigningService);
  const pipe = createValidationPipe();
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
        const dto = isWellFormedSignDto(body)
          ? body
          : ((await pipe.transform(body, { type: 'body', metatype: SignDto })) as SignDto);
        return signing.sign(callerOf(session), dto);
      },
    },
  ];
}
