/**
 * DSS-SC1 protocol code (PROTOCOL.md): pure functions over node:crypto, no Nest.
 * Shared by the server's SecureChannel interceptor and the SDK.
 */

export * from './b64u';
export * from './bytes';
export * from './errors';
export * from './handshake';
export * from './record';
export * from './x25519';
