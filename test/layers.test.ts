/**
 * Layers point one way (docs/architecture.md): no import cycle anywhere, the protocol core owns
 * its interfaces (it never imports responders, security, sessions or logging), stores see only
 * the wire types, the element never reaches into the server, and production code never imports
 * test support.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCycles, findViolations, readImportGraph, repoRoot, type ImportGraph, type LayerRule } from './import-graph.js';

const isTestCode = (file: string) => file.endsWith('.test.ts') || file.includes('/test-support/');

const RULES: readonly LayerRule[] = [
  {
    from: 'server/chatkit/',
    to: ['server/responders/', 'server/security/', 'server/session/', 'server/log/', 'server/app.ts', 'server/main.ts'],
    why: 'the protocol core owns its interfaces; responders plug into it and security/logging wrap it',
    except: isTestCode,
  },
  {
    from: 'server/store/',
    to: ['server/chatkit/', 'server/responders/', 'server/security/', 'server/session/'],
    why: 'a store sees only the wire types (server/wire/), never the protocol core',
    except: isTestCode,
  },
  { from: 'server/wire/', to: ['server/'], why: 'the wire types are the lowest server layer' },
  { from: 'server/lib/', to: ['server/'], why: 'generic helpers depend on nothing of ours' },
  { from: 'server/log/', to: ['server/security/', 'server/session/'], why: 'logging wraps the app; it does not reach into security', except: isTestCode },
  { from: 'server/security/', to: ['server/session/', 'server/responders/'], why: 'security wraps routes; it does not own them', except: isTestCode },
  { from: 'server/responders/', to: ['server/security/', 'server/session/', 'server/log/', 'server/app.ts'], why: 'a responder only sees the core it plugs into', except: isTestCode },
  { from: 'sdk/', to: ['server/', 'demo/', 'bench/'], why: 'the element never depends on the server or the demo' },
  { from: 'server/', to: ['server/test-support/', 'test/', 'bench/'], why: 'production code never imports test support', except: isTestCode },
  { from: 'sdk/', to: ['sdk/test-support/'], why: 'production code never imports test support', except: isTestCode },
];

describe('import graph', () => {
  const graph = readImportGraph(repoRoot, ['sdk', 'server', 'demo', 'bench', 'test', 'docs']);

  it('reads the real tree (imports resolved, type-only and dynamic ones included)', () => {
    assert.ok(graph.size > 100, `${graph.size} files`);
    assert.ok(graph.get('server/app.ts')?.includes('server/chatkit/server.ts'));
    assert.ok(graph.get('server/store/store.ts')?.includes('server/wire/types.ts'), 'import type is an edge');
  });

  it('has no import cycle', () => {
    assert.deepEqual(findCycles(graph), []);
  });

  it('has no import across a layer boundary', () => {
    assert.deepEqual(findViolations(graph, RULES), []);
  });
});

describe('the checks can fail', () => {
  const graph: ImportGraph = new Map([
    ['server/chatkit/server.ts', ['server/responders/echo.ts', 'server/wire/types.ts']],
    ['server/chatkit/server.test.ts', ['server/responders/echo.ts']],
    ['server/responders/echo.ts', ['server/chatkit/server.ts']],
    ['server/store/memory-store.ts', ['server/chatkit/server.ts', 'server/wire/types.ts']],
    ['server/wire/types.ts', []],
    ['sdk/a.ts', ['sdk/b.ts']],
    ['sdk/b.ts', ['sdk/c.ts']],
    ['sdk/c.ts', ['sdk/a.ts']],
  ]);

  it('finds every cycle', () => {
    assert.deepEqual(findCycles(graph), [
      ['sdk/a.ts', 'sdk/b.ts', 'sdk/c.ts'],
      ['server/chatkit/server.ts', 'server/responders/echo.ts'],
    ]);
  });

  it('finds the core importing a responder and the store importing the core, but not a test doing so', () => {
    assert.deepEqual(
      findViolations(graph, RULES).map((v) => v.split(':')[0]),
      ['server/chatkit/server.ts → server/responders/echo.ts', 'server/store/memory-store.ts → server/chatkit/server.ts'],
    );
  });
});
