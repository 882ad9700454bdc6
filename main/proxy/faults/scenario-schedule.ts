import type { ScenarioStep } from '../../../shared/api/contract.js';

/** A URL pattern: a substring of the URL, or with `*` (any run of characters) a match of the whole URL. */
export function urlMatches(pattern: string, url: string): boolean {
  if (!pattern.includes('*')) return url.includes(pattern);
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(url);
}

/** Hands each upgraded connection of one proxy, numbered from 1 in order, the scenario steps aimed at it. */
export class ScenarioSchedule {
  private upgraded = 0;

  constructor(private readonly steps: readonly ScenarioStep[]) {}

  join(url: string): ScenarioStep[] {
    const number = ++this.upgraded;
    return this.steps.filter(
      (step) =>
        (step.connection === undefined || step.connection === number) &&
        (step.url === undefined || urlMatches(step.url, url)),
    );
  }
}
