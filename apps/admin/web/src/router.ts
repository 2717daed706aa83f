/** A minimal History API router: the current location as React state, and navigation. */
import { useSyncExternalStore } from 'react';

const CHANGE = 'dss:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

/** `pathname + search` of the current URL; re-renders on navigation. */
export function useLocationKey(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

export function currentPathname(): string {
  return window.location.pathname;
}

export function currentSearch(): string {
  return window.location.search;
}

/** Goes to a local path (with its query string) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}
