/**
 * `POST /v1/ca/trust` (docs/SIGNATURES.md, "On the wire"): what a verifier needs to trust DSS
 * signatures, answered over the secure channel so it is authenticated by the pinned server key.
 */
export interface CaTrustResponse {
  /** The DSS CA certificate and the chain above it, PEM (as `GET /v1/ca/certificate`). */
  chain: string;
  /** The current CRL, DER in base64url (as `GET /v1/ca/crl`). */
  crl: string;
}
