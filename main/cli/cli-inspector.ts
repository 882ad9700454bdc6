import { createInspector, type Inspector, type InspectorOptions } from '../core/inspector.js';
import type { CommandIo } from './command.js';

/**
 * The inspector as `wsi <command>` runs it: records go to the terminal and, with `--out`, to the session file as
 * they are made; none are kept in memory (nothing in the CLI reads them back), so a capture can run for hours.
 */
export function createCliInspector(
  command: string,
  io: CommandIo,
  out: string | undefined,
  options: Omit<InspectorOptions, 'shell' | 'sessionPath' | 'onWriteError' | 'keepRecords'> = {},
): Inspector {
  return createInspector({
    ...options,
    shell: 'cli',
    keepRecords: false,
    ...(out ? { sessionPath: out } : {}),
    onWriteError: (error) => io.err(`wsi ${command}: cannot write ${out ?? ''}: ${error.message}`),
  });
}
