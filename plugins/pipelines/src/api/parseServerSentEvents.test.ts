import { parseServerSentEvents } from './parseServerSentEvents';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      chunks.forEach(c => controller.enqueue(encoder.encode(c)));
      controller.close();
    },
  });
}

describe('parseServerSentEvents', () => {
  it('parses events split across chunks and skips comments', async () => {
    const events: Array<[string, string]> = [];
    await parseServerSentEvents(
      streamOf([
        ': connected\n\nevent: pipeline-changed\nda',
        'ta: {"name":"a"}\n\n: heartbeat\n\n',
        'event: pipeline-removed\r\ndata: {"name":"b"}\r\n\r\n',
      ]),
      (type, data) => events.push([type, data]),
    );
    expect(events).toEqual([
      ['pipeline-changed', '{"name":"a"}'],
      ['pipeline-removed', '{"name":"b"}'],
    ]);
  });

  it('joins multi-line data and defaults the type to message', async () => {
    const events: Array<[string, string]> = [];
    await parseServerSentEvents(
      streamOf(['data: one\ndata: two\n\n']),
      (type, data) => events.push([type, data]),
    );
    expect(events).toEqual([['message', 'one\ntwo']]);
  });
});
