import { KNOWN_IDLE_TIMEOUTS } from '../../../shared/analysis/index.js';

export interface IdlePreset {
  id: string;
  label: string;
  ms: number;
}

const known = (component: string): number =>
  KNOWN_IDLE_TIMEOUTS.find((t) => t.component === component)?.timeoutMs ?? 60_000;

/** Common infrastructure idle timeouts (values from shared/analysis), plus the user's own. */
export const IDLE_PRESETS: readonly IdlePreset[] = [
  { id: 'nginx', label: 'nginx proxy_read_timeout (60 s)', ms: known('nginx') },
  { id: 'aws-alb', label: 'AWS ALB (60 s)', ms: known('AWS Application/Classic Load Balancer') },
  { id: 'heroku', label: 'Heroku router (55 s)', ms: known('Heroku router') },
  { id: 'cloudflare', label: 'Cloudflare (100 s)', ms: known('Cloudflare proxy') },
  { id: 'azure-lb', label: 'Azure Load Balancer (4 min)', ms: known('Azure Load Balancer') },
];

export const CUSTOM_PRESET = 'custom';
export const DEFAULT_PRESET = 'nginx';
