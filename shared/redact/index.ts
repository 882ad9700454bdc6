/** Redaction for sharing: pure, over session records; every exporter then writes the redacted session. */
export { RedactStream, redactSession } from './redact-session.js';
export {
  buildRules,
  checkUserRules,
  defaultRules,
  DEFAULT_HEADERS,
  DEFAULT_JSON_FIELDS,
  DEFAULT_QUERY_WORDS,
  ruleLabel,
} from './rules.js';
export type { RedactionRule, UserRules } from './rules.js';
export { redactionText } from './summary-text.js';
