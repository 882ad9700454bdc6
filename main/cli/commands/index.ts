import type { Command } from '../command.js';
import { analyzeCommand } from './analyze.js';
import { connectCommand } from './connect.js';
import { exportCommand } from './export.js';
import { proxyCommand } from './proxy.js';
import { replayCommand } from './replay.js';
import { stormCommand } from './storm.js';

/** Every `wsi` command. Adding one is one import and one entry. */
export const commands: Command[] = [
  connectCommand,
  analyzeCommand,
  proxyCommand,
  exportCommand,
  stormCommand,
  replayCommand,
];
