import { Controller, Get } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Module } from '@nestjs/common';
import { ApiErrors } from './api-errors.decorator';

@Controller('probe')
class ProbeController {
  @Get()
  @ApiErrors({ 401: ['not_authenticated'], 403: ['forbidden'] })
  @ApiErrors({ 401: ['invalid_credentials'], 429: ['too_many_attempts'] })
  probe(): string {
    return 'ok';
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('ApiErrors', () => {
  it('documents each status once, with all its codes and one example body per code', async () => {
    const app = await NestFactory.create(ProbeModule, { logger: false });
    try {
      const doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
      const responses = doc.paths['/probe'].get!.responses as Record<
        string,
        { description: string; content: Record<string, { examples: Record<string, unknown> }> }
      >;
      expect(Object.keys(responses).sort()).toEqual(['401', '403', '429']);
      expect(responses['401'].description).toBe(
        'Not authenticated: `invalid_credentials`, `not_authenticated`',
      );
      const examples = responses['401'].content['application/json'].examples;
      expect(examples).toEqual({
        invalid_credentials: {
          summary: 'invalid_credentials',
          value: { error: { code: 'invalid_credentials', message: 'wrong username or password' } },
        },
        not_authenticated: {
          summary: 'not_authenticated',
          value: { error: { code: 'not_authenticated', message: 'log in first' } },
        },
      });
      expect(responses['429'].content['application/json'].examples.too_many_attempts).toEqual({
        summary: 'too_many_attempts',
        value: {
          error: {
            code: 'too_many_attempts',
            message: 'too many failed logins; try again later',
            retryAfterSeconds: 60,
          },
        },
      });
    } finally {
      await app.close();
    }
  });
});
