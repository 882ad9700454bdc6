import { createServer } from 'node:http';
import {
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql/index.js'; // the CommonJS build graphql-ws loads in Node (one realm)
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { decodedConnection, kinds, listen, proxyTo } from './capture.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { hello: { type: GraphQLString, resolve: () => 'world' } },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      countdown: {
        type: new GraphQLNonNull(GraphQLInt),
        args: { from: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: async function* (_root: unknown, args: { from: number }) {
          for (let n = args.from; n >= 0; n--) {
            // One event per tick, as a real event source would deliver them.
            await new Promise((resolve) => setTimeout(resolve, 5));
            yield { countdown: n };
          }
        },
      },
    },
  }),
});

async function run<T>(client: ReturnType<typeof createClient>, query: string): Promise<T[]> {
  const results: T[] = [];
  await new Promise<void>((resolve, reject) =>
    client.subscribe<T>({ query }, { next: (r) => results.push(r as T), error: reject, complete: resolve }),
  );
  return results;
}

describe('GraphQL over WebSocket from graphql-ws, captured by the proxy', () => {
  it('decodes init/ack, subscribe/next/complete with ids and names, and error messages', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/graphql' });
    const server = useServer({ schema }, wss);
    const port = await listen(http);
    cleanups.push(async () => {
      await server.dispose();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const proxied = await proxyTo(port);
    cleanups.push(() => proxied.dispose());

    const client = createClient({
      url: `ws://${proxied.address}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
    });
    const ticks = await run<{ data: { countdown: number } }>(
      client,
      'subscription Countdown { countdown(from: 2) }',
    );
    expect(ticks.map((t) => t.data.countdown)).toEqual([2, 1, 0]);
    await expect(run(client, '{ nope }')).rejects.toBeDefined();
    await client.dispose();

    const { analysis, findings } = await decodedConnection(proxied, '/graphql');
    expect(analysis.choice).toMatchObject({ protocol: 'graphql-transport-ws', by: 'subprotocol' });
    expect(analysis.undecodable).toBe(0);
    expect(kinds(analysis, 'client')).toEqual(['connection_init', 'subscribe', 'subscribe']);
    expect(kinds(analysis, 'server')).toEqual([
      'connection_ack',
      'next',
      'next',
      'next',
      'complete',
      'error',
    ]);
    const subscribe = analysis.messages.find((m) => m.decoded.kind === 'subscribe')?.decoded;
    expect(subscribe?.event).toBe('Countdown');
    const nexts = analysis.messages.filter((m) => m.decoded.kind === 'next');
    expect(new Set(nexts.map((m) => m.decoded.id))).toEqual(new Set([subscribe?.id]));
    expect(analysis.requests.find((r) => r.label === 'connection_init')?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(
      analysis.requests.filter((r) => r.label.startsWith('operation')).every((r) => r.replySeq !== undefined),
    ).toBe(true);
    const error = findings.find((f) => f.id === 'graphql.error');
    expect(error?.detail).toContain('Cannot query field "nope" on type "Query".');
    expect(findings.map((f) => f.id)).not.toContain('graphql.init-unacknowledged');
  });
});
