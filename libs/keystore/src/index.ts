export { FileKek } from './kek';
export { KeyUnwrapError, unwrapPrivateKey, wrapPrivateKey } from './key-wrap';
export { KeystoreModule } from './keystore.module';
export { KeystoreService, UnknownMasterKeyError } from './keystore.service';
export { MASTER_KEY_RING } from './keystore.tokens';
export { DEFAULT_MASTER_KEY_FILE_NAME, MasterKeyRing } from './master-key-ring';
export { Pkcs11Kek } from './pkcs11-kek';
export { kekUsage, rewrapAll } from './rewrap';
export { loadOrCreateServerIdentity, type ServerIdentity } from './server-identity';
export {
  ALGORITHM_PROFILES,
  isKeyAlgorithm,
  KEY_ALGORITHMS,
  type KeyAlgorithm,
  type SignatureAlgorithm,
  type SigningKey,
} from './signing';
export { nativeDigestSignerProblem } from './native-digest-signer';
export {
  checkMasterKey,
  custodyWarnings,
  inspectInstallation,
  type InstallationState,
  isPopulated,
  logKeyCreationFor,
  recordKekCheck,
  secretCreationFor,
} from './custody';
export { KeyDeletions } from './key-deletions';
