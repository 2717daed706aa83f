import { Module, type OnModuleInit } from '@nestjs/common';
import { PkiModule, PkiService } from '@dss/pki';
import { CaController } from './ca.controller';
import { TimestampAuthority } from './timestamp-authority';

/** The DSS CA and TSA routes; makes the CA on first start (DESIGN.md §10). */
@Module({
  imports: [PkiModule],
  controllers: [CaController],
  providers: [TimestampAuthority],
})
export class CaModule implements OnModuleInit {
  constructor(private readonly pki: PkiService) {}

  onModuleInit(): Promise<void> {
    return this.pki.ensureAuthority();
  }
}
