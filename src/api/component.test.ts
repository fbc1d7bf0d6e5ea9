import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createEngineComponent } from '../engine/index.js';
import { MemoryJournal, openMemoryStore } from '../store/index.js';
import { makeSlo, specsOf } from '../../test/engine/fixtures.js';
import { createHttpApp } from './app.js';
import { createApi } from './component.js';

describe('api component', () => {
  it('serves status from the engine port it was handed, and /metrics and reload through operations', async () => {
    const reloads: string[] = [];
    const engine = createEngineComponent({ specs: specsOf(makeSlo({})), store: openMemoryStore(), clock: () => 0, evaluationIntervalMs: 60_000, logger: { debug: () => undefined, error: () => undefined } });
    const api = createApi({
      engine: engine.ports,
      journal: new MemoryJournal(),
      clock: () => 0,
      registry: new Registry(),
      operations: {
        metrics: () => Promise.resolve({ contentType: 'text/plain', body: 'sloe_up 1\n' }),
        reload: (trigger) => {
          reloads.push(trigger);
          return Promise.resolve({ ok: true, problems: [], added: [], removed: [], changed: [], unchanged: 1 });
        },
      },
      specExcerpt: () => undefined,
      uiRoot: '/nonexistent',
    });
    const app = createHttpApp(api.routes ?? [], { notReadyReasons: () => [] });
    expect(await (await app.request('/api/v1/slos/api-availability')).json()).toMatchObject({ service: 'api', objective: 0.999 });
    expect((await app.request('/api/v1/slos/nope')).status).toBe(404);
    expect(await (await app.request('/metrics')).text()).toBe('sloe_up 1\n');
    expect((await app.request('/-/reload', { method: 'POST' })).status).toBe(200);
    expect(reloads).toEqual(['http']);
  });
});
