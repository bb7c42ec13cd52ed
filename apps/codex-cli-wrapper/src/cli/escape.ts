import type { SessionHost } from "../session/host.ts";

const ESCAPE = 0x1d; // Ctrl-]

/**
 * Raw terminal input with a command escape: Ctrl-] opens a `codex-remote>` line on the laptop (for
 * slash commands such as /pair, /status, /control while a TUI or shell owns the keyboard); Enter runs
 * it, Esc or Ctrl-C cancels. Everything else goes to the session host untouched.
 */
export function withCommandEscape(host: SessionHost, write: (s: string) => void): (data: Buffer) => void {
  let line: string | undefined;
  return (data) => {
    let passthrough: number[] = [];
    const flush = () => {
      if (passthrough.length > 0) host.localKeys(Buffer.from(passthrough));
      passthrough = [];
    };
    for (const byte of data) {
      if (line === undefined) {
        if (byte === ESCAPE) {
          flush();
          line = "";
          write("\r\ncodex-remote> /");
        } else passthrough.push(byte);
        continue;
      }
      if (byte === 0x0d || byte === 0x0a) {
        const cmd = `/${line}`;
        line = undefined;
        write("\r\n");
        host.router
          .dispatch(host, cmd, { kind: "local" })
          .then((out) => write(`${out.replaceAll("\n", "\r\n")}\r\n`))
          .catch((e: Error & { code?: string }) => write(`${e.message}${e.code ? ` [${e.code}]` : ""}\r\n`));
      } else if (byte === 0x1b || byte === 0x03) {
        line = undefined;
        write(" (cancelled)\r\n");
      } else if (byte === 0x7f || byte === 0x08) {
        if (line.length > 0) {
          line = line.slice(0, -1);
          write("\b \b");
        }
      } else if (byte >= 0x20) {
        line += String.fromCharCode(byte);
        write(String.fromCharCode(byte));
      }
    }
    flush();
  };
}
