import { Inject, Injectable } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import {
  type MasterKeyRing,
  MASTER_KEY_RING,
  unwrapPrivateKey,
  UnknownMasterKeyError,
  wrapPrivateKey,
} from '@dss/keystore';
import {
  CertificateEntity,
  CrlEntity,
  isUniqueViolation,
  PkiKeyEntity,
  type PkiKeyName,
  TransactionRunner,
} from '@dss/persistence';
import { LRUCache } from 'lru-cache';
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import {
  chainPem,
  createCaRequest,
  createRootCertificate,
  crlPem,
  generatePkiKey,
  importKeyPair,
  issueCrl,
  issueTsaCertificate,
  issueUserCertificate,
  parseCertificates,
  type PkiSigner,
  randomSerial,
  spkiDerOf,
  type SubjectTemplate,
  type UserIdentity,
} from './authority';
import { OID } from './oids';
import {
  createTimestampToken,
  parseTimestampRequest,
  timestampQuery,
  timestampResponse,
  tokenFromResponse,
  TsaRejection,
} from './timestamp';

/** The wrap AAD of a PKI key: its name as key id, user 0 (users start at 1), see `wrapPrivateKey`. */
const PKI_USER_ID = 0;
const pkiKeyId = (name: PkiKeyName): string => `dss-pki-${name}`;

/** An outside TSA that does not answer in this time gives `503 unavailable`, never a hang. */
const TSA_TIMEOUT_MS = 10_000;
/** User-key certificates kept in DER for CMS signing (about 600 bytes each). */
const KEY_CERTIFICATES_CACHED = 10_000;

/** A loaded PKI key: the signer for @peculiar/x509 and a Node key for CMS signer infos. */
interface LoadedKey {
  signer: PkiSigner;
  node: KeyObject;
  /** The row's certificate and chain, to notice an import by another process. */
  version: string;
  /** The certificate and the chain above it in DER, made once per version (CMS, tokens). */
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
}

/** Who caused an issuance, for the audit trail. */
export interface PkiActor {
  type: 'user' | 'operator' | 'system';
  name: string;
}

const SYSTEM: PkiActor = { type: 'system', name: 'dss' };

/** A certificate as the key inventory shows it. */
export interface CertificateSummary {
  serial: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
}

/**
 * The DSS certificate authority and time-stamping authority (DESIGN.md §10) over the database:
 * creates the CA and TSA keys on first start, issues and revokes user certificates inside the
 * callers' transactions, publishes CRLs and answers RFC 3161 requests. Every issuance is audited.
 *
 * Custody: the CA and TSA private keys are wrapped under the master key in `pki_keys`, exactly
 * like users' keys (DESIGN.md §4) — no extra secret file to back up, the same rotation, and every
 * instance behind a load balancer signs with the same CA.
 */
@Injectable()
export class PkiService {
  private readonly loaded = new Map<PkiKeyName, LoadedKey>();
  private readonly keyCertificates = new LRUCache<string, Uint8Array>({
    max: KEY_CERTIFICATES_CACHED,
  });
  private readonly template: SubjectTemplate;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(MASTER_KEY_RING) private readonly ring: MasterKeyRing,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.template = {
      organization: config.certOrganization,
      organizationalUnit: config.certOrganizationalUnit,
    };
  }

  /** The CRL distribution point written into every certificate (RFC 5280 §4.2.1.13). */
  get crlUrl(): string {
    return `${this.config.publicUrl}/v1/ca/crl`;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  /**
   * First start: makes the CA (a self-made root) and the TSA key with its certificate, unless
   * they exist. Two instances starting together: the primary key lets one win; the other reads.
   */
  async ensureAuthority(): Promise<void> {
    const repo = this.dataSource.getRepository(PkiKeyEntity);
    if (!(await repo.existsBy({ name: 'ca' }))) {
      const { pkcs8, keys } = await generatePkiKey();
      const now = this.now();
      const certificate = await createRootCertificate({
        keys,
        commonName: this.config.caCommonName,
        template: this.template,
        now,
        validityDays: this.config.caValidityDays,
      });
      await this.insertKey('ca', pkcs8, certificate, '', now, async (m) => {
        await this.audit.append(m, {
          actorType: 'system',
          actor: SYSTEM.name,
          action: AuditAction.CaCreated,
          subject: certificate.serialNumber.toLowerCase(),
          details: {
            subject: certificate.subject,
            notAfter: certificate.notAfter.toISOString(),
          },
        });
      });
    }
    if (!(await repo.existsBy({ name: 'tsa' }))) {
      const ca = await this.load('ca');
      const { pkcs8, keys } = await generatePkiKey();
      const now = this.now();
      const certificate = await issueTsaCertificate({
        ca: ca.signer,
        publicKey: keys.publicKey,
        commonName: `${this.config.caCommonName} Time-Stamping`,
        template: this.template,
        now,
        validityDays: this.config.caValidityDays,
        crlUrl: this.crlUrl,
      });
      await this.insertKey('tsa', pkcs8, certificate, '', now, async (m) => {
        await this.recordCertificate(m, certificate, 'tsa', null, null, SYSTEM);
      });
    }
  }

  private async insertKey(
    name: PkiKeyName,
    pkcs8: Buffer,
    certificate: x509.X509Certificate,
    chain: string,
    now: Date,
    alsoInTransaction: (m: EntityManager) => Promise<void>,
  ): Promise<void> {
    const kek = this.ring.current();
    try {
      await this.runner.run(async (m) => {
        await m.insert(PkiKeyEntity, {
          name,
          certificate: certificate.toString('pem'),
          chain,
          privateKeyWrapped: wrapPrivateKey(kek, pkiKeyId(name), PKI_USER_ID, pkcs8),
          kekId: kek.id,
          createdAt: now,
          updatedAt: now,
        });
        await alsoInTransaction(m);
      });
    } catch (err) {
      // Another instance made it first: use theirs.
      if (!isUniqueViolation(err)) throw err;
    } finally {
      pkcs8.fill(0);
    }
  }

  /** Loads (and caches) a PKI key; reloads when its certificate changed (after `ca import`). */
  private async load(name: PkiKeyName, m?: EntityManager): Promise<LoadedKey> {
    const manager = m ?? this.dataSource.manager;
    const versions = await this.versions(manager);
    const version = versions.get(name);
    if (version === undefined) {
      throw new DomainError(ErrorCode.Unavailable, `the DSS ${name.toUpperCase()} is not set up`);
    }
    const cached = this.loaded.get(name);
    if (cached && cached.version === version) return cached;

    const row = await manager
      .getRepository(PkiKeyEntity)
      .createQueryBuilder('p')
      .addSelect('p.privateKeyWrapped')
      .where('p.name = :name', { name })
      .getOne();
    if (!row || row.certificate === null) {
      throw new DomainError(ErrorCode.Unavailable, `the DSS ${name.toUpperCase()} is not set up`);
    }
    const caRow =
      name === 'ca'
        ? row
        : await manager.getRepository(PkiKeyEntity).findOneBy({ name: 'ca' as PkiKeyName });

    let kek = this.ring.get(row.kekId);
    if (kek === undefined && this.ring.reloadIfChanged()) kek = this.ring.get(row.kekId);
    if (kek === undefined) throw new UnknownMasterKeyError(row.kekId);
    const pkcs8 = unwrapPrivateKey(kek, pkiKeyId(name), PKI_USER_ID, row.privateKeyWrapped);
    try {
      const keys = await importKeyPair(pkcs8);
      const node = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      const certificate = new x509.X509Certificate(row.certificate);
      // The TSA's chain is the CA and what is above it.
      const chain =
        name === 'ca'
          ? parseCertificates(row.chain)
          : parseCertificates([caRow?.certificate ?? '', caRow?.chain ?? ''].join('\n'));
      const loaded: LoadedKey = {
        signer: { certificate, chain, privateKey: keys.privateKey, pkcs8: Buffer.alloc(0) },
        node,
        version: versionOf(row, caRow),
        certificateDer: new Uint8Array(certificate.rawData),
        chainDer: chain.map((c) => new Uint8Array(c.rawData)),
      };
      // Another process may have changed the rows between the two reads: keep what was read
      // last under the version it was read with, so the next call compares against that.
      this.loaded.set(name, loaded);
      return loaded;
    } finally {
      pkcs8.fill(0);
    }
  }

  /**
   * The current version of the CA's and the TSA's certificates, each with what is above it, in
   * one query without the private keys: an import by another process (`dss-admin ca import`) is
   * seen by the next call, and an unchanged row costs no unwrap.
   */
  private async versions(manager: EntityManager): Promise<Map<PkiKeyName, string>> {
    // Raw SQL: it runs for every CMS signature (twice: the CA's chain and the TSA), and mapping
    // two rows into entities cost more than reading them.
    const rows = await manager.query<
      { name: PkiKeyName; certificate: string | null; chain: string }[]
    >('SELECT name, certificate, chain FROM pki_keys');
    const byName = new Map(rows.map((r) => [r.name, r]));
    const ca = byName.get('ca');
    const out = new Map<PkiKeyName, string>();
    for (const row of rows) {
      if (row.certificate === null) continue;
      out.set(row.name, versionOf(row, row.name === 'ca' ? row : ca));
    }
    return out;
  }

  /** `GET /v1/ca/certificate`: the CA certificate and the chain above it, PEM. */
  async caCertificatePem(): Promise<string> {
    const ca = await this.load('ca');
    return chainPem([ca.signer.certificate, ...ca.signer.chain]);
  }

  /** What a verifier trusts: the CA chain (PEM) and the current CRL (DER, base64url). */
  async trustBundle(): Promise<{ chain: string; crl: string }> {
    const chain = await this.caCertificatePem();
    const crl = await this.currentCrl();
    return { chain, crl: crl.toString('base64url') };
  }

  /**
   * Issues the certificate of a new user key inside the CreateKeys transaction `m` (so a key
   * never exists without its certificate), audited. Returns the PEM.
   */
  async issueForKey(
    m: EntityManager,
    key: { keyId: string; userId: number; publicKeyPem: string },
    user: UserIdentity,
    actor: PkiActor,
  ): Promise<string> {
    const ca = await this.load('ca', m);
    const certificate = await issueUserCertificate({
      ca: ca.signer,
      publicKeySpki: spkiDerOf(key.publicKeyPem),
      user,
      template: this.template,
      serial: randomSerial(),
      now: this.now(),
      validityDays: this.config.certValidityDays,
      crlUrl: this.crlUrl,
    });
    await this.recordCertificate(m, certificate, 'user', key.keyId, key.userId, actor);
    return certificate.toString('pem');
  }

  private async recordCertificate(
    m: EntityManager,
    certificate: x509.X509Certificate,
    kind: 'user' | 'tsa',
    keyId: string | null,
    userId: number | null,
    actor: PkiActor,
  ): Promise<void> {
    const serial = certificate.serialNumber.toLowerCase();
    await m.insert(CertificateEntity, {
      serial,
      kind,
      keyId,
      userId,
      subject: certificate.subject.slice(0, 512),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      pem: certificate.toString('pem'),
      revokedAt: null,
      createdAt: this.now(),
    });
    await this.audit.append(m, {
      actorType: actor.type,
      actor: actor.name,
      action: AuditAction.CertificateIssued,
      subject: serial,
      details: {
        kind,
        serial,
        subject: certificate.subject,
        ...(keyId ? { keyId } : {}),
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
      },
    });
  }

  /**
   * The DER certificate of a user key, for CMS: kept once read, since a key's certificate is
   * issued with the key and never replaced (revocation is recorded beside it, in the CRL). A key
   * without one is read again each time (rare: keys made before the DSS CA).
   */
  async certificateDerOfKey(keyId: string): Promise<Uint8Array | null> {
    const cached = this.keyCertificates.get(keyId);
    if (cached) return cached;
    const pem = await this.certificateOfKey(keyId);
    if (pem === null) return null;
    const der = new Uint8Array(new x509.X509Certificate(pem).rawData);
    this.keyCertificates.set(keyId, der);
    return der;
  }

  /** The PEM certificate of a user key (active or not); null when it has none. */
  async certificateOfKey(keyId: string, m?: EntityManager): Promise<string | null> {
    const row = await (m ?? this.dataSource.manager)
      .getRepository(CertificateEntity)
      .findOne({ where: { keyId }, order: { createdAt: 'DESC' } });
    return row?.pem ?? null;
  }

  /** Certificates of the given keys, for the key inventory. */
  async summariesOfKeys(keyIds: string[]): Promise<Map<string, CertificateSummary>> {
    const out = new Map<string, CertificateSummary>();
    if (keyIds.length === 0) return out;
    const rows = await this.dataSource
      .getRepository(CertificateEntity)
      .createQueryBuilder('c')
      .where('c.key_id IN (:...keyIds)', { keyIds })
      .getMany();
    for (const r of rows) out.set(r.keyId!, summaryOf(r));
    return out;
  }

  /**
   * DeleteKeys: revokes the key's certificate and publishes a new CRL, both inside the caller's
   * transaction `m` (RFC 5280 §5: the CRL says from when the key must no longer be trusted).
   */
  async revokeKey(m: EntityManager, keyId: string, actor: PkiActor): Promise<void> {
    const now = this.now();
    const rows = await m.find(CertificateEntity, { where: { keyId, revokedAt: IsNull() } });
    if (rows.length === 0) return;
    for (const row of rows) {
      await m.update(CertificateEntity, { serial: row.serial }, { revokedAt: now });
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action: AuditAction.CertificateRevoked,
        subject: row.serial,
        details: { serial: row.serial, keyId, revokedAt: now.toISOString() },
      });
    }
    await this.issueCrlIn(m, actor);
  }

  /** Issues the next CRL over every revoked certificate, in `m`, audited. */
  private async issueCrlIn(m: EntityManager, actor: PkiActor): Promise<CrlEntity> {
    // The CA row's lock orders CRL issuers on MySQL; SQLite transactions run one at a time.
    await m.findOne(PkiKeyEntity, { where: { name: 'ca' }, lock: this.runner.rowLock() });
    const ca = await this.load('ca', m);
    const last = await m.find(CrlEntity, { order: { crlNumber: 'DESC' }, take: 1 });
    const crlNumber = (last[0]?.crlNumber ?? 0) + 1;
    const revoked = await m.find(CertificateEntity, { where: { revokedAt: Not(IsNull()) } });
    const thisUpdate = this.now();
    const nextUpdate = new Date(thisUpdate.getTime() + this.config.crlValidityHours * 3_600_000);
    const crl = await issueCrl({
      ca: ca.signer,
      crlNumber,
      thisUpdate,
      nextUpdate,
      revoked: revoked.map((r) => ({ serial: r.serial, revokedAt: r.revokedAt! })),
    });
    const row = m.create(CrlEntity, {
      crlNumber,
      thisUpdate,
      nextUpdate,
      der: Buffer.from(crl.rawData),
      createdAt: thisUpdate,
    });
    await m.insert(CrlEntity, row);
    await this.audit.append(m, {
      actorType: actor.type,
      actor: actor.name,
      action: AuditAction.CrlIssued,
      subject: String(crlNumber),
      details: {
        crlNumber,
        revoked: revoked.length,
        thisUpdate: thisUpdate.toISOString(),
        nextUpdate: nextUpdate.toISOString(),
      },
    });
    return row;
  }

  /**
   * `GET /v1/ca/crl`: the current CRL (DER). A new one is issued when there is none or half of
   * the current one's validity has passed, so relying parties never see one past nextUpdate.
   */
  async currentCrl(): Promise<Buffer> {
    const fresh = (row: CrlEntity | undefined): row is CrlEntity => {
      if (!row) return false;
      const half = (row.nextUpdate.getTime() - row.thisUpdate.getTime()) / 2;
      return this.clock.now() < row.thisUpdate.getTime() + half;
    };
    const latest = (m: EntityManager) =>
      m.find(CrlEntity, { order: { crlNumber: 'DESC' }, take: 1 }).then((r) => r[0]);
    const current = await latest(this.dataSource.manager);
    if (fresh(current)) return current.der;
    try {
      return await this.runner.run(async (m) => {
        await m.findOne(PkiKeyEntity, { where: { name: 'ca' }, lock: this.runner.rowLock() });
        const again = await latest(m);
        if (fresh(again)) return again.der;
        return (await this.issueCrlIn(m, SYSTEM)).der;
      });
    } catch (err) {
      // Another instance issued the same number first: theirs is fresh.
      if (!isUniqueViolation(err)) throw err;
      const theirs = await latest(this.dataSource.manager);
      if (!theirs) throw err;
      return theirs.der;
    }
  }

  /** The current CRL, PEM. */
  async currentCrlPem(): Promise<string> {
    return crlPem(await this.currentCrl());
  }

  /**
   * `POST /v1/tsa` (RFC 3161 §3.4): answers a DER TimeStampReq with a DER TimeStampResp. A
   * malformed or refused request gets a rejection response, as the RFC asks; every token issued
   * is audited (its serial, imprint and the client address).
   */
  async answerTimestampQuery(der: Buffer, client: string): Promise<Buffer> {
    let request;
    try {
      request = parseTimestampRequest(der, OID.dssTsaPolicy);
    } catch (err) {
      if (err instanceof TsaRejection) {
        return timestampResponse({ failure: err.failure, message: err.message });
      }
      throw err;
    }
    const token = await this.issueToken(request, { type: 'system', name: `tsa:${client}` });
    return timestampResponse({ token });
  }

  private async issueToken(
    request: ReturnType<typeof parseTimestampRequest>,
    actor: PkiActor,
  ): Promise<Buffer> {
    const tsa = await this.load('tsa');
    const { token, serial, genTime } = await createTimestampToken({
      request,
      signer: {
        certificate: tsa.certificateDer,
        chain: tsa.chainDer,
        sign: (data) => sign('sha256', data, tsa.node),
      },
      policy: OID.dssTsaPolicy,
      now: this.now(),
    });
    // Group-committed with the other tokens of the moment; durable before the token is handed out.
    await this.audit.record({
      actorType: actor.type,
      actor: actor.name,
      action: AuditAction.TimestampIssued,
      subject: serial,
      details: {
        serial,
        imprint: request.hashedMessage.toString('hex'),
        genTime: genTime.toISOString(),
      },
    });
    return token;
  }

  /**
   * A signature timestamp for CAdES/PAdES B-T: a token over `digest` (SHA-256 of the signature
   * value) from `DSS_TSA_URL` when set, else from DSS's own TSA.
   */
  async signatureTimestamp(digest: Buffer, actor: PkiActor): Promise<Buffer> {
    if (this.config.tsaUrl === undefined) {
      return this.issueToken(
        { hashAlgorithm: OID.sha256, hashedMessage: digest, certReq: true },
        actor,
      );
    }
    const { der, nonce } = timestampQuery(digest);
    let reply: Buffer;
    try {
      const res = await fetch(this.config.tsaUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: der,
        signal: AbortSignal.timeout(TSA_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      reply = Buffer.from(await res.arrayBuffer());
      return tokenFromResponse(reply, digest, nonce);
    } catch (err) {
      throw new DomainError(
        ErrorCode.Unavailable,
        `the time-stamping authority at DSS_TSA_URL did not give a valid token: ${(err as Error).message}`,
      );
    }
  }

  /** The user's certificate chain for a CMS: the CA and what is above it (DER). */
  async caChainDer(): Promise<Uint8Array[]> {
    const ca = await this.load('ca');
    return [ca.certificateDer, ...ca.chainDer];
  }

  /** `dss-admin ca csr`: a PKCS#10 request for the current CA key and subject (PEM). */
  async caCertificateRequest(): Promise<string> {
    const ca = await this.load('ca');
    const row = await this.dataSource
      .getRepository(PkiKeyEntity)
      .createQueryBuilder('p')
      .addSelect('p.privateKeyWrapped')
      .where('p.name = :name', { name: 'ca' })
      .getOneOrFail();
    const kek = this.ring.get(row.kekId);
    if (kek === undefined) throw new UnknownMasterKeyError(row.kekId);
    const pkcs8 = unwrapPrivateKey(kek, pkiKeyId('ca'), PKI_USER_ID, row.privateKeyWrapped);
    try {
      const keys = await importKeyPair(pkcs8);
      const csr = await createCaRequest({
        keys,
        name: ca.signer.certificate.subjectName,
      });
      return csr.toString('pem');
    } finally {
      pkcs8.fill(0);
    }
  }

  /**
   * `dss-admin ca import CERT [CHAIN]`: installs the DSS CA certificate an organisation's root
   * issued for our CSR. Checked first: same key and subject as the current CA (so certificates,
   * CRLs and the TSA certificate already issued keep chaining), a CA certificate with keyCertSign,
   * and a chain in which each certificate signs the one before it.
   */
  async importCaCertificate(certPem: string, chainText: string, actor: PkiActor): Promise<void> {
    const invalid = (why: string) => new DomainError(ErrorCode.CertificateInvalid, why);
    const [cert, ...extra] = safeParse(certPem, 'CERT');
    if (!cert) throw invalid('CERT holds no PEM certificate');
    const chain = [...extra, ...safeParse(chainText, 'CHAIN')];
    const ca = await this.load('ca');
    const current = ca.signer.certificate;
    const samePublicKey = Buffer.from(cert.publicKey.rawData).equals(
      Buffer.from(current.publicKey.rawData),
    );
    if (!samePublicKey)
      throw invalid('the certificate is not for the DSS CA key (use dss-admin ca csr)');
    if (cert.subject !== current.subject) {
      throw invalid(`the subject must stay "${current.subject}" (got "${cert.subject}")`);
    }
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    if (!basic?.ca) throw invalid('the certificate is not a CA certificate (basicConstraints)');
    if (!usage || (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
      throw invalid('the certificate lacks keyUsage keyCertSign');
    }
    if (chain.length === 0 && cert.issuer === cert.subject) {
      throw invalid('give the chain of the issuing root (CHAIN)');
    }
    let child = cert;
    for (const parent of chain) {
      if (!(await child.verify({ publicKey: parent, signatureOnly: true }))) {
        throw invalid(`"${child.subject}" is not signed by "${parent.subject}"`);
      }
      child = parent;
    }
    const now = this.now();
    if (cert.notAfter.getTime() <= now.getTime()) throw invalid('the certificate has expired');
    await this.runner.run(async (m) => {
      await m.update(
        PkiKeyEntity,
        { name: 'ca' },
        {
          certificate: cert.toString('pem'),
          chain: chain.length ? chainPem(chain) : '',
          updatedAt: now,
        },
      );
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action: AuditAction.CaCertificateImported,
        subject: cert.serialNumber.toLowerCase(),
        details: {
          subject: cert.subject,
          issuer: cert.issuer,
          notAfter: cert.notAfter.toISOString(),
          chain: chain.map((c) => c.subject),
        },
      });
    });
    this.loaded.clear();
  }

  /**
   * After a master-key rotation: re-wraps the CA and TSA keys under the current master key, so a
   * retired master key can be removed without losing them. Returns how many were re-wrapped.
   */
  async rewrapKeys(): Promise<number> {
    const kek = this.ring.current();
    return this.runner.run(async (m) => {
      const query = m
        .getRepository(PkiKeyEntity)
        .createQueryBuilder('p')
        .addSelect('p.privateKeyWrapped');
      // SQLite transactions run one at a time; MySQL needs the rows locked.
      if (this.runner.engine === 'mysql') query.setLock('pessimistic_write');
      const rows = await query.getMany();
      let count = 0;
      for (const row of rows) {
        if (row.kekId === kek.id) continue;
        const old = this.ring.get(row.kekId);
        if (old === undefined) throw new UnknownMasterKeyError(row.kekId);
        const pkcs8 = unwrapPrivateKey(old, pkiKeyId(row.name), PKI_USER_ID, row.privateKeyWrapped);
        try {
          await m.update(
            PkiKeyEntity,
            { name: row.name },
            {
              privateKeyWrapped: wrapPrivateKey(kek, pkiKeyId(row.name), PKI_USER_ID, pkcs8),
              kekId: kek.id,
              updatedAt: this.now(),
            },
          );
        } finally {
          pkcs8.fill(0);
        }
        count++;
      }
      return count;
    });
  }

  /** The CA certificate's fingerprint (SHA-256 hex) and subject, for `dss-admin ca show`. */
  async caSummary(): Promise<{
    subject: string;
    issuer: string;
    serial: string;
    notAfter: string;
    sha256: string;
  }> {
    const ca = await this.load('ca');
    const c = ca.signer.certificate;
    return {
      subject: c.subject,
      issuer: c.issuer,
      serial: c.serialNumber.toLowerCase(),
      notAfter: c.notAfter.toISOString(),
      sha256: Buffer.from(await c.getThumbprint('SHA-256')).toString('hex'),
    };
  }
}

/** A key row's certificate with its chain and the CA's above it: changes with any import. */
function versionOf(
  row: Pick<PkiKeyEntity, 'certificate' | 'chain'>,
  caRow: Pick<PkiKeyEntity, 'certificate' | 'chain'> | null | undefined,
): string {
  const upper = caRow ? [caRow.certificate ?? '', caRow.chain] : [];
  return [row.certificate, row.chain, ...upper].join('\n');
}

function summaryOf(r: CertificateEntity): CertificateSummary {
  return {
    serial: r.serial,
    subject: r.subject,
    notBefore: r.notBefore.toISOString(),
    notAfter: r.notAfter.toISOString(),
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  };
}

function safeParse(pem: string, what: string): x509.X509Certificate[] {
  try {
    return parseCertificates(pem);
  } catch {
    throw new DomainError(ErrorCode.CertificateInvalid, `${what} holds a malformed certificate`);
  }
}
