import { createInspector, type Inspector, type InspectorOptions } from '../core/inspector.js';
import type { CommandIo } from './command.js';
import { createShellProxyController } from '../proxy/threaded-controller.js';

/**
 * The inspector as `wsi <command>` runs it: records go to the terminal and, with `--out`, to the session file as
 * they are made; none are kept in memory (nothing in the CLI reads them back), so a capture can run for hours.
 * Recording runs in the capture worker where the build has one, for client connections as for proxied ones.
 */
export function createCliInspector(
  command: string,
  io: CommandIo,
  out: string | undefined,
  options: Omit<InspectorOptions, 'shell' | 'sessionPath' | 'onWriteError' | 'keepRecords'> = {},
): Inspector {
  return createInspector({
    // Client connections record through the same capture pipeline as proxied ones (see clientRecorders).
    proxyController: createShellProxyController(),
    ...options,
    shell: 'cli',
    keepRecords: false,
    ...(out ? { sessionPath: out } : {}),
    onWriteError: (error) => io.err(`wsi ${command}: cannot write ${out ?? ''}: ${error.message}`),
  });
}
