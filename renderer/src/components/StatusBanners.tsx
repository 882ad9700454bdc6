import { useInspector } from '../ui/store-context.js';

export function LinkBanner() {
  const link = useInspector((s) => s.link);
  if (link !== 'disconnected') return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="link-banner">
      <span>
        Disconnected from core — reconnecting…{' '}
        <span className="banner-hint">
          If this persists, open the exact URL the server printed: it carries the access token.
        </span>
      </span>
    </div>
  );
}

export function NoticeBar() {
  const notice = useInspector((s) => s.notice);
  const dismiss = useInspector((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div
      className={`banner banner-${notice.kind}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
      <span>{notice.text}</span>
      <button type="button" className="link-button" onClick={dismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
