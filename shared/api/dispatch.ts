import type { InspectorService, MethodName, RequestOf, ResponseOf } from './contract.js';
import { isMethodName, methods } from './contract.js';
import { PayloadError } from './validate.js';

/** Validate an untrusted (method, payload) pair against the contract and call the service. */
export async function dispatch(
  service: InspectorService,
  method: unknown,
  payload: unknown,
): Promise<unknown> {
  if (!isMethodName(method))
    throw new PayloadError('method', `one of the contract's methods, got ${String(method)}`);
  const request = methods[method].request(payload, 'payload') as RequestOf<MethodName>;
  const call = service[method] as (r: RequestOf<MethodName>) => Promise<ResponseOf<MethodName>>;
  return call.call(service, request);
}
