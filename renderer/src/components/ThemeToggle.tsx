import { useEffect } from 'react';
import type { ThemeChoice } from '../store/slices/ui-slice.js';
import { useInspector } from '../ui/store-context.js';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const LABEL: Record<ThemeChoice, string> = {
  system: 'Theme: system',
  dark: 'Theme: dark',
  light: 'Theme: light',
};

export function ThemeToggle() {
  const theme = useInspector((s) => s.theme);
  const setTheme = useInspector((s) => s.setTheme);
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      onClick={() => setTheme(NEXT[theme])}
      title="Switch colour theme"
    >
      {LABEL[theme]}
    </button>
  );
}
