import { useState } from 'react';
import {
  containerPaths,
  containerSummary,
  isContainer,
  jsonChildren,
  jsonNode,
  MAX_CHILDREN_SHOWN,
  scalarText,
} from './json-tree-model.js';
import type { JsonNode } from './json-tree-model.js';
import './json-tree.css';
import { VisibleText } from '../text/VisibleText.js';

interface TreeState {
  expanded: ReadonlySet<string>;
  toggle: (path: string) => void;
}

function NodeKey({ node }: { node: JsonNode }) {
  if (node.key === null) return null;
  return (
    <span className="json-key">
      <VisibleText text={/^\d+$/.test(node.key) ? node.key : JSON.stringify(node.key)} />:{' '}
    </span>
  );
}

function TreeNode({ node, tree }: { node: JsonNode; tree: TreeState }) {
  if (!isContainer(node)) {
    return (
      <li role="treeitem" aria-selected={false} className="json-leaf">
        <NodeKey node={node} />
        <span className={`json-${node.kind}`}>
          <VisibleText text={scalarText(node)} />
        </span>
      </li>
    );
  }
  const open = tree.expanded.has(node.path);
  const children = open ? jsonChildren(node) : [];
  return (
    <li role="treeitem" aria-expanded={open} aria-selected={false} className="json-branch">
      <button
        type="button"
        className="json-toggle"
        aria-label={`${open ? 'Collapse' : 'Expand'} ${node.key ?? 'root'}`}
        data-testid="json-toggle"
        onClick={() => tree.toggle(node.path)}
      >
        {open ? '▾' : '▸'}
      </button>
      <NodeKey node={node} />
      <span className="json-summary">{containerSummary(node)}</span>
      {open && (
        <ul role="group">
          {children.map((child) => (
            <TreeNode key={child.path} node={child} tree={tree} />
          ))}
          {node.size > MAX_CHILDREN_SHOWN && (
            <li className="json-more">… {node.size - MAX_CHILDREN_SHOWN} more not shown</li>
          )}
        </ul>
      )}
    </li>
  );
}

/** A parsed JSON value as a collapsible tree; starts with the first two levels open. */
export function JsonTree({ value }: { value: unknown }) {
  const [root] = useState(() => jsonNode(value));
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => containerPaths(root, 1));
  const toggle = (path: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  return (
    <div className="json-tree" data-testid="json-tree">
      <div className="json-tree-actions">
        <button type="button" data-testid="json-expand-all" onClick={() => setExpanded(containerPaths(root))}>
          Expand all
        </button>
        <button type="button" data-testid="json-collapse-all" onClick={() => setExpanded(new Set())}>
          Collapse all
        </button>
      </div>
      <ul role="tree" aria-label="JSON">
        <TreeNode node={root} tree={{ expanded, toggle }} />
      </ul>
    </div>
  );
}
