/** The API client and the operator's session, shared by every page. */
import { createContext, useContext } from 'react';
import { type AdminApi } from './api/client';
import { type SessionInfo } from './session';

export interface AppContextValue {
  api: AdminApi;
  session: SessionInfo;
}

export const AppContext = createContext<AppContextValue | null>(null);

/** The context; throws if a page renders outside the signed-in shell (a programming error). */
export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp() outside <AppContext.Provider>');
  return value;
}
