import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Role, TaskState as A2ATaskState, type StreamResponse } from '@a2a-js/sdk';
import { ErrorCode } from '@agentry/core';
import {
  fromA2APart,
  fromA2ARole,
  fromA2ATask,
  fromA2ATaskState,
  fromStreamResponse,
  inputToParts,
  toA2AMessage,
  toA2APart,
  toA2ARole,
  toA2ATaskState,
} from '../src/mapping';
import { isInterrupted, isTerminal, TASK_STATES } from '../src/task-state';
import type { Part } from '../src/types';

describe('task states', () => {
  it('map to the A2A enum and back for every state', () => {
    const expected = {
      SUBMITTED: A2ATaskState.TASK_STATE_SUBMITTED,
      WORKING: A2ATaskState.TASK_STATE_WORKING,
      INPUT_REQUIRED: A2ATaskState.TASK_STATE_INPUT_REQUIRED,
      AUTH_REQUIRED: A2ATaskState.TASK_STATE_AUTH_REQUIRED,
      COMPLETED: A2ATaskState.TASK_STATE_COMPLETED,
      FAILED: A2ATaskState.TASK_STATE_FAILED,
      CANCELED: A2ATaskState.TASK_STATE_CANCELED,
      REJECTED: A2ATaskState.TASK_STATE_REJECTED,
    };
    assert.equal(TASK_STATES.length, 8);
    for (const state of TASK_STATES) {
      assert.equal(toA2ATaskState(state), expected[state]);
      assert.equal(fromA2ATaskState(toA2ATaskState(state)), state);
    }
  });

  it('unspecified and unrecognized A2A states are no state', () => {
    assert.equal(fromA2ATaskState(A2ATaskState.TASK_STATE_UNSPECIFIED), undefined);
    assert.equal(fromA2ATaskState(A2ATaskState.UNRECOGNIZED), undefined);
    assert.equal(fromA2ATaskState(undefined), undefined);
  });

  it('isTerminal and isInterrupted split the states', () => {
    assert.deepEqual(TASK_STATES.filter(isTerminal), [
      'COMPLETED',
      'FAILED',
      'CANCELED',
      'REJECTED',
    ]);
    assert.deepEqual(TASK_STATES.filter(isInterrupted), ['INPUT_REQUIRED', 'AUTH_REQUIRED']);
    assert.equal(isTerminal(undefined), false);
  });

  it('roles map both ways', () => {
    assert.equal(toA2ARole('USER'), Role.ROLE_USER);
    assert.equal(toA2ARole('AGENT'), Role.ROLE_AGENT);
    assert.equal(fromA2ARole(Role.ROLE_USER), 'USER');
    assert.equal(fromA2ARole(Role.ROLE_AGENT), 'AGENT');
  });
});

describe('parts', () => {
  const roundTrips: Part[] = [
    { kind: 'TEXT', text: 'hello' },
    { kind: 'TEXT', text: '' },
    { kind: 'DATA', data: { a: 1, list: [true, null] } },
    { kind: 'DATA', data: null },
    {
      kind: 'FILE',
      file: { name: 'a.pdf', mimeType: 'application/pdf', uri: 'https://x.io/a.pdf' },
    },
    { kind: 'FILE', file: { uri: 'https://x.io/b' } },
    { kind: 'FILE', file: { name: 'hi.txt', mimeType: 'text/plain', bytes: 'aGVsbG8=' } },
  ];
  for (const part of roundTrips) {
    it(`round-trips ${JSON.stringify(part)}`, () => {
      assert.deepEqual(fromA2APart(toA2APart(part)), part);
    });
  }

  it('builds the A2A oneof content for each kind', () => {
    assert.deepEqual(toA2APart({ kind: 'TEXT', text: 'x' }).content, { $case: 'text', value: 'x' });
    assert.deepEqual(toA2APart({ kind: 'DATA', data: [1] }).content, { $case: 'data', value: [1] });
    assert.deepEqual(toA2APart({ kind: 'FILE', file: { uri: 'https://x.io' } }).content, {
      $case: 'url',
      value: 'https://x.io',
    });
    const raw = toA2APart({ kind: 'FILE', file: { bytes: 'aGVsbG8=', name: 'h' } });
    assert.equal(raw.content?.$case, 'raw');
    assert.equal(Buffer.from(raw.content!.value as Buffer).toString(), 'hello');
    assert.equal(raw.filename, 'h');
  });

  it('maps A2A parts from the wire', () => {
    const base = { metadata: undefined, filename: '', mediaType: '' };
    assert.deepEqual(fromA2APart({ ...base, content: { $case: 'text', value: 't' } }), {
      kind: 'TEXT',
      text: 't',
    });
    assert.deepEqual(
      fromA2APart({ ...base, content: { $case: 'raw', value: Buffer.from([0, 255]) } }),
      { kind: 'FILE', file: { bytes: 'AP8=' } },
    );
    assert.equal(fromA2APart({ ...base, content: undefined }), undefined);
  });

  it('refuses parts that do not hold what their kind says', () => {
    const bad: Part[] = [
      { kind: 'TEXT' },
      { kind: 'DATA' },
      { kind: 'FILE' },
      { kind: 'FILE', file: { uri: 'https://x', bytes: 'aGk=' } },
      { kind: 'FILE', file: { bytes: 'not base64!' } },
    ];
    for (const part of bad) {
      assert.throws(
        () => toA2APart(part),
        (err: { extensions: { code: string } }) => err.extensions.code === ErrorCode.BAD_USER_INPUT,
      );
    }
  });

  it('turns send input into parts, and refuses an empty message', () => {
    assert.deepEqual(inputToParts({ text: 'hi', data: { n: 1 }, files: [{ uri: 'https://x' }] }), [
      { kind: 'TEXT', text: 'hi' },
      { kind: 'DATA', data: { n: 1 } },
      { kind: 'FILE', file: { uri: 'https://x' } },
    ]);
    assert.throws(() => inputToParts({}), /empty/);
    assert.throws(() => inputToParts({ text: '' }), /empty/);
  });

  it('builds a USER message that continues a task', () => {
    const m = toA2AMessage([{ kind: 'TEXT', text: 'Ada' }], { taskId: 't1', contextId: 'c1' });
    assert.equal(m.role, Role.ROLE_USER);
    assert.equal(m.taskId, 't1');
    assert.equal(m.contextId, 'c1');
    assert.ok(m.messageId);
  });
});

describe('events', () => {
  const message = {
    messageId: 'm1',
    contextId: 'c1',
    taskId: 't1',
    role: Role.ROLE_AGENT,
    parts: [
      {
        content: { $case: 'text' as const, value: 'hi' },
        metadata: undefined,
        filename: '',
        mediaType: '',
      },
    ],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
  const agentMessage = { role: 'AGENT', messageId: 'm1', parts: [{ kind: 'TEXT', text: 'hi' }] };

  it('maps each stream payload', () => {
    const status: StreamResponse = {
      payload: {
        $case: 'statusUpdate',
        value: {
          taskId: 't1',
          contextId: 'c1',
          status: { state: A2ATaskState.TASK_STATE_INPUT_REQUIRED, message, timestamp: undefined },
          metadata: undefined,
        },
      },
    };
    assert.deepEqual(fromStreamResponse(status), {
      kind: 'status',
      remoteTaskId: 't1',
      contextId: 'c1',
      state: 'INPUT_REQUIRED',
      message: agentMessage,
    });

    const artifact: StreamResponse = {
      payload: {
        $case: 'artifactUpdate',
        value: {
          taskId: 't1',
          contextId: 'c1',
          artifact: {
            artifactId: 'a1',
            name: 'report',
            description: '',
            parts: message.parts,
            metadata: undefined,
            extensions: [],
          },
          append: true,
          lastChunk: false,
          metadata: undefined,
        },
      },
    };
    assert.deepEqual(fromStreamResponse(artifact), {
      kind: 'artifact',
      remoteTaskId: 't1',
      contextId: 'c1',
      artifact: {
        artifactId: 'a1',
        name: 'report',
        parts: [{ kind: 'TEXT', text: 'hi' }],
        append: true,
        lastChunk: false,
      },
    });

    assert.deepEqual(fromStreamResponse({ payload: { $case: 'message', value: message } }), {
      kind: 'message',
      remoteTaskId: 't1',
      contextId: 'c1',
      message: agentMessage,
    });
    assert.equal(fromStreamResponse({ payload: undefined }), undefined);
  });

  it('maps a task snapshot', () => {
    const task = fromA2ATask({
      id: 't1',
      contextId: 'c1',
      status: { state: A2ATaskState.TASK_STATE_COMPLETED, message, timestamp: undefined },
      artifacts: [],
      history: [{ ...message, role: Role.ROLE_USER, messageId: 'u1' }],
      metadata: undefined,
    });
    assert.deepEqual(task, {
      remoteTaskId: 't1',
      contextId: 'c1',
      state: 'COMPLETED',
      statusMessage: agentMessage,
      history: [{ ...agentMessage, role: 'USER', messageId: 'u1' }],
      artifacts: [],
    });
  });
});
