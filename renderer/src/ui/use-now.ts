import { useEffect, useState } from 'react';

/** Wall clock that re-renders the caller every `intervalMs` while `active` (e.g. the duration of an open connection). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
