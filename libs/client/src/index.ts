/**
 * The DSS TypeScript SDK: {@link DssClient} speaks DSS-SC1 (docs/protocol) to the
 * DSS employee API.
 */

export { DssClient, type DssClientOptions, type SessionHandoff } from './dss-client';
export {
  DssApiError,
  DssChannelError,
  DssError,
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
  type DssNetworkErrorKind,
} from './errors';
export type {
  BatchSignatureItem,
  BatchSignatureResponseWire,
  BatchSignatureResult,
  ChangePasswordResult,
  CmsSignatureResult,
  DeleteResult,
  HttpMethod,
  KeyAlgorithm,
  KeyInfo,
  KeySelector,
  KeyStatus,
  LoginResult,
  LogoutResult,
  OwnEvent,
  OwnEventsPage,
  PublicKeyInfo,
  RotateResult,
  ServerKeyInfo,
  SignatureAlgorithm,
  SignatureEncoding,
  SignatureResponseWire,
  SignatureResult,
  SignInput,
} from './types';
export { spkiFingerprint } from '@dss/secure-channel/protocol';
export {
  DssLogInconsistentError,
  type FullReceipt,
  LogWitness,
  type LogWitnessOptions,
  MemoryWitnessStore,
  verifyReceiptProof,
  type WitnessResult,
  type WitnessState,
  type WitnessStore,
} from './log-witness';
