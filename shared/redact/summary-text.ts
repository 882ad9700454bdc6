import type { RedactionSummary } from '../model/session.js';

/** One line naming the rules applied and what each replaced, for file comments and reports. */
export const redactionText = (summary: RedactionSummary): string =>
  `Redacted for sharing (same-length masks): ${summary.rules.map((r) => `${r.rule} replaced ${r.replaced}`).join(', ')}.`;
