import { readFileSync } from 'node:fs';
import { proxyScenario, type ProxyScenario } from '../../shared/api/contract.js';
import { parseJsonWithPositions, positionOfPath } from '../../shared/api/json-locate.js';
import { PayloadError } from '../../shared/api/validate.js';
import { UsageError } from './command.js';

/**
 * A scenario file read and validated; every problem is a UsageError naming the file, line, column and field, e.g.
 * `qa.json:7:17: steps[1].fault.code: expected a close code that may be sent: …`.
 */
export function readScenarioFile(file: string): ProxyScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--scenario ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file: string): ProxyScenario {
  const parsed = parseJsonWithPositions(text);
  if (!parsed.ok)
    throw new UsageError(
      `${file}:${parsed.position.line}:${parsed.position.column}: not valid JSON: ${parsed.message}`,
    );
  try {
    return proxyScenario(parsed.value, '');
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    const at = positionOfPath(parsed.positions, error.path) ?? { line: 1, column: 1 };
    const expected = error.message.replace(/^invalid payload at .*?: expected /, 'expected ');
    throw new UsageError(`${file}:${at.line}:${at.column}: ${error.path || '(top level)'}: ${expected}`);
  }
}
