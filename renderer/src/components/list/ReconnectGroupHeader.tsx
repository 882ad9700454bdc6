import type { ReconnectGroup } from '../../ui/reconnect-groups.js';
import { describeOutcomes } from '../../ui/reconnect-groups.js';
import { VisibleText, visibleTitle } from '../text/VisibleText.js';

/** Heading of repeated connections to one endpoint; collapses the attempts under it. */
export function ReconnectGroupHeader({
  group,
  collapsed,
  onToggle,
}: {
  group: ReconnectGroup;
  collapsed: boolean;
  onToggle: (id: string) => void;
}) {
  return (
    <button
      type="button"
      className="reconnect-group"
      aria-expanded={!collapsed}
      data-testid="reconnect-group"
      onClick={() => onToggle(group.id)}
    >
      <span aria-hidden="true">{collapsed ? '▸' : '▾'}</span>
      <span className="connection-url" title={visibleTitle(group.url)}>
        <VisibleText text={group.url} />
      </span>
      <span className="reconnect-group-outcomes" data-testid="reconnect-group-outcomes">
        {describeOutcomes(group)}
      </span>
    </button>
  );
}
