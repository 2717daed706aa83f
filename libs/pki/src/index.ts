export { buildDetachedCms } from './cms';
export { PkiModule } from './pki.module';
export { type PkiActor, PkiService } from './pki.service';
