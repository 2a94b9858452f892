import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** An HTTP server bound to 127.0.0.1 that can be closed at once, open connections included. */
export interface LoopbackServer {
  server: http.Server;
  port: number;
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 at `port` (0 picks a free port). */
export async function listenLoopback(handler: http.RequestListener, port = 0): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
