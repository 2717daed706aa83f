import { type ReactNode } from 'react';
import { type KeyPair } from '../api/types';
import { formatDateTime, formatFingerprint } from '../lib/format';
import { KeyStatusBadge } from './Badge';
import { columnHeads, DataTable } from './DataTable';

/**
 * Key pairs from the inventory. With `showUser` (the Keys page) the owner heads each row; without
 * (one user's page) the fingerprint does. Fields a record does not have are shown as —.
 */
export function KeyTable({
  keys,
  busy,
  caption,
  empty,
  showUser,
}: {
  keys: KeyPair[];
  busy: boolean;
  caption: string;
  empty: ReactNode;
  showUser: boolean;
}) {
  return (
    <DataTable
      caption={caption}
      busy={busy}
      columns={columnHeads([
        showUser && 'User',
        'Status',
        'Fingerprint (SHA-256)',
        'Created',
        'Deleted',
        'Certificate',
        'Key id / algorithm',
      ])}
      empty={keys.length === 0 ? empty : null}
    >
      {keys.map((key) => (
        <KeyRow key={key.keyId} keyPair={key} showUser={showUser} />
      ))}
    </DataTable>
  );
}

function KeyRow({ keyPair: key, showUser }: { keyPair: KeyPair; showUser: boolean }) {
  const fingerprint = key.fingerprint ? (
    <code className="fingerprint">{formatFingerprint(key.fingerprint)}</code>
  ) : (
    '—'
  );
  return (
    <tr>
      {showUser && (
        <th scope="row" data-label="User">
          {key.username}
        </th>
      )}
      <td data-label="Status">{key.status ? <KeyStatusBadge status={key.status} /> : '—'}</td>
      {showUser ? (
        <td data-label="Fingerprint">{fingerprint}</td>
      ) : (
        <th scope="row" data-label="Fingerprint">
          {fingerprint}
        </th>
      )}
      <td data-label="Created">{formatDateTime(key.createdAt)}</td>
      <td data-label="Deleted">{formatDateTime(key.deletedAt)}</td>
      <td data-label="Certificate">
        {key.certificate ? (
          <>
            <code className="key-id">{key.certificate.serial}</code>
            <span className="cell-note">
              valid {formatDateTime(key.certificate.notBefore)} –{' '}
              {formatDateTime(key.certificate.notAfter)}
            </span>
            {key.certificate.revokedAt && (
              <span className="cell-note">revoked {formatDateTime(key.certificate.revokedAt)}</span>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
      <td data-label="Key id">
        <code className="key-id">{key.keyId}</code>
        {key.algorithm && <span className="cell-note">{key.algorithm}</span>}
      </td>
    </tr>
  );
}
