/**
 * Reads the server-sent events of the pipelines plugin's `/v1/events` at `baseUrl` with a
 * Backstage token, calling `onEvent(name, data)` for each `event:`/`data:` block. Resolves once
 * the stream is open; the returned function closes it. Used by the bench and the chaos suite.
 */
export async function listenEvents(
  baseUrl: string,
  token: string,
  onEvent: (event: string, data: any) => void,
): Promise<() => void> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/pipelines/v1/events`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  if (!res.ok || !res.body) throw new Error(`/v1/events: HTTP ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader
        .read()
        .catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (name && data) onEvent(name, JSON.parse(data));
      }
    }
  })();
  return () => controller.abort();
}
