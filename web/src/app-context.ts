import { createContext, useContext, useEffect, useState } from 'react';
import type { ApiClient } from './api';
import type { Session } from './auth';
import type { PortalConfig } from './config';

export interface AppContextValue {
  readonly config: PortalConfig;
  readonly session: Session;
  readonly api: ApiClient;
  /** Milliseconds to add to Date.now() to get the desk's time (the simulated clock locally). */
  readonly clockOffset: number;
  refreshClock(): Promise<void>;
  navigate(to: string): void;
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}

/** The desk's current time, ticking every second. */
export function useNow(): number {
  const { clockOffset } = useApp();
  const [now, setNow] = useState(() => Date.now() + clockOffset);
  useEffect(() => {
    setNow(Date.now() + clockOffset);
    const timer = setInterval(() => setNow(Date.now() + clockOffset), 1000);
    return () => clearInterval(timer);
  }, [clockOffset]);
  return now;
}

export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const seconds = Math.floor((Math.abs(ms) % 60_000) / 1000);
  if (minutes >= 24 * 60) return `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h`;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
