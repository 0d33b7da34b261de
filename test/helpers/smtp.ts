/** Real SMTP peers for tests, on 127.0.0.1: one that keeps every message, one that never speaks. */
import { createServer, type Server, type Socket } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface Received {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
}

export interface TestServer {
  port: number;
  received: Received[];
  connections: number;
  close(): Promise<void>;
}

const running: { close(): Promise<void> }[] = [];

/** Stops every server started so far; test files call it in afterEach. */
export async function stopSmtpServers(): Promise<void> {
  await Promise.all(running.splice(0).map((server) => server.close()));
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts. */
export async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<TestServer> {
  const state: TestServer = { port: 0, received: [], connections: 0, close: async () => {} };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.server.address() as { port: number }).port;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  running.push(state);
  return state;
}

/** A TCP server that accepts connections and never says a word. */
export async function startSilent(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  const handle = { port, close };
  running.push(handle);
  return handle;
}
