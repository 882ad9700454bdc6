import { HeldMessages } from './breakpoints/HeldMessages.js';
import { ConnectForm } from './ConnectForm.js';
import { ConnectionDetail } from './ConnectionDetail.js';
import { ConnectionList } from './ConnectionList.js';
import { EmptyState } from './EmptyState.js';
import { ProxyPanel } from './ProxyPanel.js';
import { SessionOpener } from './SessionOpener.js';
import { SessionProblems } from './SessionProblems.js';
import { SessionSaver } from './SessionSaver.js';
import { ShareDialog } from './ShareDialog.js';
import { LinkBanner, NoticeBar } from './StatusBanners.js';
import { ThemeToggle } from './ThemeToggle.js';
import { useInspector } from '../ui/store-context.js';

export function App() {
  const view = useInspector((s) => (s.selected ? s.connections[s.selected] : undefined));
  return (
    <div className="app">
      <header className="app-bar">
        <span className="app-title">WebSocket Inspector</span>
        <span className="app-bar-actions">
          <SessionOpener />
          <SessionSaver />
          <ShareDialog mode="export" />
          <ShareDialog />
          <ThemeToggle />
        </span>
      </header>
      <LinkBanner />
      <NoticeBar />
      <SessionProblems />
      <HeldMessages />
      <div className="app-body">
        <aside className="sidebar">
          <div className="sidebar-forms" data-testid="sidebar-forms">
            <ConnectForm />
            <ProxyPanel />
          </div>
          <ConnectionList />
        </aside>
        <main className="main">{view ? <ConnectionDetail view={view} /> : <EmptyState />}</main>
      </div>
    </div>
  );
}
