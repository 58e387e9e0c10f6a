import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, setUnauthenticatedHandler, tokenStore } from './api.ts';
import type { LoginResult, Me, Territory } from './types.ts';

interface AuthState {
  me: Me | null;
  /** Loading the session from a stored token. */
  restoring: boolean;
  territories: Territory[];
  territory: Territory | null;
  setTerritoryId: (id: string) => void;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);
const TERRITORY_KEY = 'symbiose.territory';

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [restoring, setRestoring] = useState(() => tokenStore.get() !== null);
  const [territories, setTerritories] = useState<Territory[]>([]);
  const [territoryId, setTerritoryIdState] = useState<string | null>(() =>
    sessionStorage.getItem(TERRITORY_KEY),
  );

  const loadTerritories = useCallback(async (who: Me) => {
    if (who.role === 'company') return;
    const list = await api.get<{ items: Territory[] }>('/territories');
    setTerritories(list.items);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      tokenStore.clear();
      setMe(null);
    });
    if (!tokenStore.get()) return;
    api
      .get<Me>('/me')
      .then(async (who) => {
        setMe(who);
        await loadTerritories(who);
      })
      .catch(() => tokenStore.clear())
      .finally(() => setRestoring(false));
  }, [loadTerritories]);

  const login = useCallback(
    async (email: string, password: string) => {
      const res = await api.post<LoginResult>('/auth/login', { email, password });
      tokenStore.set(res.token);
      await loadTerritories(res.me);
      setMe(res.me);
    },
    [loadTerritories],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // the token may already be gone: logging out locally is enough
    }
    tokenStore.clear();
    sessionStorage.removeItem(TERRITORY_KEY);
    setMe(null);
    setTerritories([]);
  }, []);

  const setTerritoryId = useCallback((id: string) => {
    sessionStorage.setItem(TERRITORY_KEY, id);
    setTerritoryIdState(id);
  }, []);

  const value = useMemo<AuthState>(() => {
    const territory =
      territories.find((t) => t.id === territoryId) ??
      territories.find((t) => me?.territoryIds?.includes(t.id)) ??
      territories[0] ??
      null;
    return { me, restoring, territories, territory, setTerritoryId, login, logout };
  }, [me, restoring, territories, territoryId, setTerritoryId, login, logout]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth hors de AuthProvider');
  return ctx;
}

/** The officer's current territory (pages under the officer layout always have one). */
export function useTerritory(): Territory {
  const { territory } = useAuth();
  if (!territory) throw new Error('aucun territoire');
  return territory;
}
