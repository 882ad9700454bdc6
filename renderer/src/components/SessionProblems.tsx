import { useInspector } from '../ui/store-context.js';

const SHOWN_PROBLEMS = 50;

/** The lines of the selected connection's session file that could not be read, each named by its line number. */
export function SessionProblems() {
  const source = useInspector((s) => {
    const view = s.selected ? s.connections[s.selected] : undefined;
    return view ? s.sources[view.source] : undefined;
  });
  if (!source?.readOnly || source.problems.length === 0) return null;
  const { problems } = source;
  return (
    <details className="session-problems" data-testid="session-problems">
      <summary>
        {source.label}:{' '}
        {source.imported
          ? `${problems.length} problem(s) reading the HAR`
          : `${problems.length} line(s) could not be read`}
      </summary>
      <ul>
        {problems.slice(0, SHOWN_PROBLEMS).map((problem, i) => (
          <li key={i}>
            {problem.line > 0 ? `line ${problem.line}: ` : ''}
            {problem.message}
          </li>
        ))}
        {problems.length > SHOWN_PROBLEMS && <li>… and {problems.length - SHOWN_PROBLEMS} more</li>}
      </ul>
    </details>
  );
}
