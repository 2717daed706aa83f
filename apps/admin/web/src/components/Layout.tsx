import { type ReactNode, useEffect, useRef, useState } from 'react';
import { type IntegrityStatus } from '../api/types';
import { useApp } from '../context';
import { NAV, type PageId } from '../lib/routes';
import { type SessionInfo } from '../session';
import { Link } from './Link';

const ROLE_LABEL = { admin: 'Administrator', auditor: 'Auditor (read-only)' } as const;

/** Header, navigation and the main landmark of every signed-in page. */
export function Layout({
  page,
  session,
  onSignOut,
  children,
}: {
  page: PageId;
  session: SessionInfo;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const [menuOpen, setMenuOpen] = useState(false);
  const { api } = useApp();
  const [integrity, setIntegrity] = useState<IntegrityStatus>();
  // On every page: while the latest verification failed, nothing here may look trustworthy.
  useEffect(() => {
    let current = true;
    api.integrityStatus().then(
      (status) => current && setIntegrity(status),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, page]);
  const failed = integrity?.lastVerification?.valid === false ? integrity.lastVerification : null;
  const main = useRef<HTMLElement>(null);
  const shown = useRef(page);
  // After navigating: close the narrow-screen menu, and move focus to the new page's content so
  // keyboard and screen-reader users start there (not on a full load: focus starts at the top).
  useEffect(() => {
    setMenuOpen(false);
    if (shown.current === page) return;
    shown.current = page;
    main.current?.focus();
  }, [page]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-row">
          <Link to="/" className="brand">
            DSS <span>admin</span>
          </Link>
          <button
            type="button"
            className="button menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <div className="account">
            <span className="account-name">
              {session.username}{' '}
              <span className={`role role-${session.role}`}>{ROLE_LABEL[session.role]}</span>
            </span>
            <Link to="/change-password" className="account-link">
              Change password
            </Link>
            <button type="button" className="button button-quiet" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
        <nav id="main-nav" className={`nav ${menuOpen ? 'nav-open' : ''}`} aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.id}>
                <Link to={item.path} aria-current={item.id === page ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
            <li className="nav-narrow-only">
              <Link
                to="/change-password"
                aria-current={page === 'change-password' ? 'page' : undefined}
              >
                Change password
              </Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        {failed && (
          <div className="integrity-banner" role="alert">
            <strong>The audit trail failed verification</strong>
            {failed.firstInvalidSeq !== null ? ` at event #${failed.firstInvalidSeq}` : ''} (checked
            by {failed.by} on {failed.at.replace('T', ' ').slice(0, 19)} UTC). Events from there on
            cannot be trusted. <Link to="/audit/integrity">Integrity</Link>
          </div>
        )}
        {children}
      </main>
    </div>
  );
}
