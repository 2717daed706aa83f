/** Object identifiers used by the DSS PKI, each with the specification that assigns it. */
export const OID = {
  /** RFC 5652 §11.1 content-type attribute. */
  contentType: '1.2.840.113549.1.9.3',
  /** RFC 5652 §11.2 message-digest attribute. */
  messageDigest: '1.2.840.113549.1.9.4',
  /** RFC 5652 §11.3 signing-time attribute. */
  signingTime: '1.2.840.113549.1.9.5',
  /** RFC 5035 §3 id-aa-signingCertificateV2. */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** RFC 3161 Appendix A id-aa-timeStampToken (CAdES signature-time-stamp, ETSI EN 319 122-1 §5.3). */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** RFC 5652 §4 id-data. */
  data: '1.2.840.113549.1.7.1',
  /** RFC 5652 §5.1 id-signedData. */
  signedData: '1.2.840.113549.1.7.2',
  /** RFC 3161 §2.4.2 id-ct-TSTInfo. */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  /** NIST sha256. */
  sha256: '2.16.840.1.101.3.4.2.1',
  /** RFC 5758 §3.2 ecdsa-with-SHA256. */
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  /** RFC 5280 §4.2.1.12 id-kp-emailProtection. */
  emailProtection: '1.3.6.1.5.5.7.3.4',
  /** RFC 5280 §4.2.1.12 id-kp-timeStamping. */
  timeStamping: '1.3.6.1.5.5.7.3.8',
  /** RFC 9336 id-kp-documentSigning. */
  documentSigning: '1.3.6.1.5.5.7.3.36',
  /** RFC 5280 §5.2.3 cRLNumber. */
  crlNumber: '2.5.29.20',
  /** The DSS TSA policy (under the private-use arc of the example enterprise; documented in docs/SIGNATURES.md). */
  dssTsaPolicy: '1.3.6.1.4.1.32473.1.1',
} as const;
