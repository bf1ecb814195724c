import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { createThread, post } from '../test-support/chatkit-client.js';
import { startFakeOpenAI, turn } from '../test-support/fake-openai.js';
import { AnalystResponder, createResponderFromEnv, OpenAIResponder } from './index.js';
import { assistantMessages } from '../test-support/responder-assertions.js';

describe('createResponderFromEnv', () => {
  it('uses the offline analyst without a key (blank counts as none)', async () => {
    assert.ok(createResponderFromEnv({}) instanceof AnalystResponder);
    assert.ok(createResponderFromEnv({ OPENAI_API_KEY: '  ' }) instanceof AnalystResponder);
    const app = createApp({ responder: createResponderFromEnv({ ANALYST_CHUNK_DELAY_MS: '0' }) });
    const answer = await post(app, createThread('what chart is loaded?'));
    assert.match(assistantMessages(answer.events!)[0]!.text, /can't see a chart/);
  });

  it('uses OpenAI with OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL', async () => {
    const upstream = await startFakeOpenAI();
    try {
      const responder = createResponderFromEnv({
        OPENAI_API_KEY: 'sk-env-test',
        OPENAI_BASE_URL: upstream.baseURL,
        OPENAI_MODEL: 'gpt-test-model',
        OPENAI_MAX_RETRIES: '0',
      });
      assert.ok(responder instanceof OpenAIResponder);
      upstream.enqueue(turn.text('from the fake'));
      const answer = await post(createApp({ responder }), createThread('hi'));
      assert.equal(assistantMessages(answer.events!)[0]!.text, 'from the fake');
      assert.equal(upstream.requests[0]!.body.model, 'gpt-test-model');
      assert.equal(upstream.requests[0]!.headers['authorization'], 'Bearer sk-env-test');
    } finally {
      await upstream.close();
    }
  });

  it('refuses malformed numbers', () => {
    assert.throws(() => createResponderFromEnv({ OPENAI_API_KEY: 'k', OPENAI_MAX_RETRIES: 'lots' }), /OPENAI_MAX_RETRIES/);
    assert.throws(() => createResponderFromEnv({ ANALYST_CHUNK_DELAY_MS: '-1' }), /ANALYST_CHUNK_DELAY_MS/);
  });
});
