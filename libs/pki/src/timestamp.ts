import * as asn1js from 'asn1js';
import { createHash, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import { type AttributeSigner, signAttributes, signedDataContentInfo } from './cms';
import { OID } from './oids';

/** RFC 3161 §2.4.2 PKIFailureInfo bits this TSA answers with. */
export enum TsaFailure {
  badAlg = 0,
  badRequest = 2,
  badDataFormat = 5,
  unacceptedPolicy = 15,
}

/** Digests a time-stamp request may carry, with their lengths. */
const HASHES: ReadonlyMap<string, { name: string; length: number }> = new Map([
  [OID.sha256, { name: 'sha256', length: 32 }],
  ['2.16.840.1.101.3.4.2.2', { name: 'sha384', length: 48 }],
  ['2.16.840.1.101.3.4.2.3', { name: 'sha512', length: 64 }],
]);

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/** A request the TSA refused, answered as an RFC 3161 §2.4.2 rejection. */
export class TsaRejection extends Error {
  constructor(
    readonly failure: TsaFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TsaRejection';
  }
}

/** The parts of a TimeStampReq (RFC 3161 §2.4.1) the TSA acts on. */
export interface TimestampRequest {
  hashAlgorithm: string;
  hashedMessage: Buffer;
  nonce?: asn1js.Integer;
  certReq: boolean;
}

/**
 * Parses and checks a DER TimeStampReq: version 1, a known digest of the right length, and no
 * policy but ours (RFC 3161 §2.4.1).
 * @throws TsaRejection with the failure info to answer.
 */
export function parseTimestampRequest(der: Buffer, policy: string): TimestampRequest {
  let req: pkijs.TimeStampReq;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(der));
    if (parsed.offset === -1 || parsed.offset !== der.length) throw new Error('not DER');
    req = new pkijs.TimeStampReq({ schema: parsed.result });
  } catch {
    throw new TsaRejection(TsaFailure.badDataFormat, 'not a DER TimeStampReq');
  }
  if (req.version !== 1) throw new TsaRejection(TsaFailure.badRequest, 'version must be 1');
  const algorithm = req.messageImprint.hashAlgorithm.algorithmId;
  const hash = HASHES.get(algorithm);
  if (!hash) throw new TsaRejection(TsaFailure.badAlg, `unsupported hash algorithm ${algorithm}`);
  const hashedMessage = Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (hashedMessage.length !== hash.length) {
    throw new TsaRejection(
      TsaFailure.badDataFormat,
      `a ${hash.name} digest has ${hash.length} bytes`,
    );
  }
  if (req.reqPolicy !== undefined && req.reqPolicy !== policy) {
    throw new TsaRejection(TsaFailure.unacceptedPolicy, `policy ${req.reqPolicy} is not offered`);
  }
  return {
    hashAlgorithm: algorithm,
    hashedMessage,
    nonce: req.nonce,
    certReq: req.certReq ?? false,
  };
}

/** The TSA's key, certificate and chain. */
export interface TsaSigner {
  certificate: Uint8Array;
  chain: Uint8Array[];
  sign: AttributeSigner;
}

/**
 * A time-stamp token (RFC 3161 §2.4.2): SignedData over a TSTInfo with a random 128-bit serial,
 * genTime to the second (accuracy 1 s), the request's imprint and nonce, signed with the
 * signing-certificate-v2 attribute. Returns the token (DER ContentInfo) and its serial (hex).
 */
export async function createTimestampToken(args: {
  request: TimestampRequest;
  signer: TsaSigner;
  policy: string;
  now: Date;
}): Promise<{ token: Buffer; serial: string; genTime: Date }> {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  // Whole seconds: X.690 §11.7 forbids trailing zeros in a fraction, and accuracy covers the rest.
  const genTime = new Date(Math.floor(args.now.getTime() / 1000) * 1000);
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: args.policy,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: args.request.hashAlgorithm }),
      hashedMessage: new asn1js.OctetString({
        valueHex: toArrayBuffer(args.request.hashedMessage),
      }),
    }),
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(serial) }),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(args.request.nonce ? { nonce: args.request.nonce } : {}),
  });
  const content = Buffer.from(tstInfo.toSchema().toBER(false));
  const parts = await signAttributes({
    certificate: args.signer.certificate,
    chain: args.signer.chain,
    contentDigest: createHash('sha256').update(content).digest(),
    contentType: OID.tstInfo,
    signingTime: genTime,
    sign: args.signer.sign,
  });
  const token = signedDataContentInfo({
    parts,
    contentType: OID.tstInfo,
    content,
    includeCertificates: args.request.certReq,
  });
  return { token, serial: serial.toString('hex'), genTime };
}

/** A TimeStampResp (RFC 3161 §2.4.2) granting `token`, or rejecting with `failure`. */
export function timestampResponse(
  result: { token: Buffer } | { failure: TsaFailure; message: string },
): Buffer {
  if ('token' in result) {
    const token = asn1js.fromBER(toArrayBuffer(result.token));
    const resp = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
      timeStampToken: new pkijs.ContentInfo({ schema: token.result }),
    });
    return Buffer.from(resp.toSchema().toBER(false));
  }
  const bits = new Uint8Array(Math.floor(result.failure / 8) + 1);
  bits[Math.floor(result.failure / 8)] = 0x80 >> (result.failure % 8);
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({
      status: pkijs.PKIStatus.rejection,
      statusStrings: [new asn1js.Utf8String({ value: result.message })],
      failInfo: new asn1js.BitString({
        valueHex: toArrayBuffer(bits),
        unusedBits: 7 - (result.failure % 8),
      }),
    }),
  });
  return Buffer.from(resp.toSchema().toBER(false));
}

/** A DER TimeStampReq for SHA-256 `digest` with a random nonce, certReq true (for an outside TSA). */
export function timestampQuery(digest: Buffer): { der: Buffer; nonce: Buffer } {
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0] & 0x7f) | 0x01;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  return { der: Buffer.from(req.toSchema().toBER(false)), nonce };
}

/**
 * The token of an outside TSA's reply, after checking that it was granted and answers our
 * imprint and nonce (RFC 3161 §2.4.2). Throws an Error naming what is wrong.
 */
export function tokenFromResponse(der: Buffer, digest: Buffer, nonce: Buffer): Buffer {
  const parsed = asn1js.fromBER(toArrayBuffer(der));
  if (parsed.offset === -1) throw new Error('the TSA reply is not DER');
  const resp = new pkijs.TimeStampResp({ schema: parsed.result });
  if (resp.status.status > pkijs.PKIStatus.grantedWithMods || !resp.timeStampToken) {
    throw new Error(`the TSA refused the request (status ${resp.status.status})`);
  }
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
  const eContent = signed.encapContentInfo.eContent;
  if (!eContent) throw new Error('the TSA token holds no TSTInfo');
  const tst = pkijs.TSTInfo.fromBER(toArrayBuffer(Buffer.from(eContent.getValue())));
  const imprint = Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  const echoed = tst.nonce ? Buffer.from(tst.nonce.valueBlock.valueHexView) : undefined;
  if (!imprint.equals(digest)) throw new Error('the TSA token is for other data');
  if (!echoed || !echoed.equals(nonce)) throw new Error('the TSA token does not echo our nonce');
  return Buffer.from(resp.timeStampToken.toSchema().toBER(false));
}
