import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The compiled module's interface (libs/keystore/native/ecdsa_digest.c): an EC private key
 * imported into OpenSSL once, then ECDSA over a digest as given, without hashing it again.
 */
interface NativeModule {
  importKey(pkcs8Der: Uint8Array): NativeKey;
  signDigest(key: NativeKey, digest: Uint8Array): Buffer;
  release(key: NativeKey): void;
}

/** An EC private key held by OpenSSL; opaque to JavaScript. */
export type NativeKey = { readonly __nativeKey: unique symbol };

/** Where `npm ci` builds the module (binding.gyp at the repository root). */
const MODULE_PATH = join('build', 'Release', 'dss_native.node');

/** The first `build/Release/dss_native.node` above `from`: from the sources and from dist/. */
export function findNativeModule(from: string = __dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, MODULE_PATH);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

let loaded: { module: NativeModule | null; reason: string | null } | undefined;

/**
 * The native digest signer, loaded on first use, or null when it was not built or does not
 * load (then {@link nativeDigestSignerProblem} says why, and digest signing runs in JavaScript).
 */
export function nativeDigestSigner(): NativeModule | null {
  if (loaded === undefined) {
    const path = findNativeModule();
    if (path === null) {
      loaded = { module: null, reason: `${MODULE_PATH} was not built (npm ci builds it)` };
    } else {
      try {
        loaded = { module: createRequire(__filename)(path) as NativeModule, reason: null };
      } catch (err) {
        loaded = { module: null, reason: `${path} does not load: ${(err as Error).message}` };
      }
    }
  }
  return loaded.module;
}

/** Why the native digest signer is not in use, or null when it is. */
export function nativeDigestSignerProblem(): string | null {
  nativeDigestSigner();
  return loaded!.reason;
}

/**
 * An ASN.1 DER ECDSA-Sig-Value (`SEQUENCE { r INTEGER, s INTEGER }`, as OpenSSL writes it) as
 * IEEE P1363 `r || s`, each left-padded to the scalar's length.
 *
 * @throws TypeError on anything but a well-formed short-form DER signature of that size.
 */
export function derToP1363(der: Uint8Array, scalarBytes: number): Buffer {
  const fail = (): never => {
    throw new TypeError('signing: malformed DER ECDSA signature');
  };
  // Short-form lengths only: r and s of curves up to P-384 keep the sequence under 128 bytes.
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) fail();
  const out = Buffer.alloc(2 * scalarBytes);
  let at = 2;
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) fail();
    let length = der[at + 1];
    let start = at + 2;
    if (length === 0 || length > 0x7f || start + length > der.length) fail();
    at = start + length;
    while (length > 0 && der[start] === 0) {
      start++;
      length--;
    }
    if (length > scalarBytes) fail();
    out.set(der.subarray(start, start + length), (part + 1) * scalarBytes - length);
  }
  if (at !== der.length) fail();
  return out;
}
