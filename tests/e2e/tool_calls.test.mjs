// Tool calling through /v1/chat/completions with the official `openai` npm client against the real
// `localvoice serve` and the random-weight test model: tool_choice "required" makes the server constrain
// the answer to a call, so the client gets tool_calls whose arguments fit the schema, streamed and not.
//
// usage: node tests/e2e/tool_calls.test.mjs [path/to/localvoice]

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';

import { makeTempDir, makeTinyModel, sourceDir, startServer, webDir } from './harness.mjs';

const program = process.argv[2] || process.env.LV_PROGRAM || path.join(sourceDir, 'build', 'localvoice');
const require = createRequire(path.join(webDir, 'package.json'));
let OpenAI;
try {
  ({ OpenAI } = require('openai'));
} catch {
  console.log('skipped: the openai package is missing from web/node_modules (run scripts/setup)');
  process.exit(0);
}

const tools = [
  {
    type: 'function',
    function: {
      name: 'set_timer',
      description: 'Starts a kitchen timer',
      parameters: {
        type: 'object',
        properties: { minutes: { type: 'integer' }, label: { type: 'string', enum: ['tea', 'pasta'] } },
        required: ['minutes', 'label'],
        additionalProperties: false,
      },
    },
  },
];

function checkArguments(text) {
  const args = JSON.parse(text);
  assert.deepEqual(Object.keys(args).sort(), ['label', 'minutes']);
  assert.ok(Number.isInteger(args.minutes), text);
  assert.ok(['tea', 'pasta'].includes(args.label), text);
}

const dir = makeTempDir('lv-e2e-tools-');
const server = await startServer({ program, dataDir: dir, webRoot: dir, llm: makeTinyModel(dir) });
try {
  await server.waitReady();
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const messages = [{ role: 'user', content: 'tea timer please' }];

  const reply = await client.chat.completions.create({
    model: 'tiny',
    messages,
    tools,
    tool_choice: 'required',
    seed: 1,
  });
  const choice = reply.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'set_timer');
  assert.ok(call.id);
  checkArguments(call.function.arguments);

  const stream = await client.chat.completions.create({
    model: 'tiny',
    messages,
    tools,
    tool_choice: 'required',
    seed: 2,
    stream: true,
  });
  const streamed = [];
  let finish = null;
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
      streamed[delta.index] ??= { id: '', name: '', arguments: '' };
      if (delta.id) streamed[delta.index].id = delta.id;
      streamed[delta.index].name += delta.function?.name ?? '';
      streamed[delta.index].arguments += delta.function?.arguments ?? '';
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'tool_calls');
  assert.equal(streamed.length, 1);
  assert.equal(streamed[0].name, 'set_timer');
  assert.ok(streamed[0].id);
  checkArguments(streamed[0].arguments);

  // The call's result goes back as a tool message and the conversation continues.
  const next = await client.chat.completions.create({
    model: 'tiny',
    messages: [...messages, choice.message, { role: 'tool', tool_call_id: call.id, content: 'timer set' }],
    tools,
    max_tokens: 4,
  });
  assert.ok(['stop', 'length', 'tool_calls'].includes(next.choices[0].finish_reason));
  console.log('tool calls: ok');
} finally {
  await server.stop();
}
