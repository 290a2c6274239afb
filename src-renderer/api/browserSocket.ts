import type { SocketFactory } from './wsClient';

/** The browser's WebSocket behind the transport's small socket interface. */
export const openBrowserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.addEventListener('open', () => {
    handlers.onOpen();
  });
  ws.addEventListener('message', (event: MessageEvent<unknown>) => {
    handlers.onMessage(event.data);
  });
  // An 'error' is always followed by 'close', which does the work.
  ws.addEventListener('close', (event) => {
    handlers.onClose(event.code, event.reason);
  });
  return ws;
};
