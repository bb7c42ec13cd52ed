/** `--help` text of every command. Kept in one file so they stay consistent. */
export const HELP: Record<string, string> = {
  main: `codex-remote — run your coding agent here, stay in control of it from your phone.

Usage:
  codex-remote [--agent codex|claude|shell|demo] [--relay URL] [--approve ask|always|never] [-- agent args]
  codex-remote <command> [options]

Commands:
  (none)     start a session: the agent in this terminal, mirrored to paired phones
  exec       run one headless turn and print normalized events as JSONL
  pair       show a QR code and link to pair a phone
  devices    list paired devices; \`devices revoke ID\` removes one
  relay      run an embedded relay on this machine (also serves the phone app)
  doctor     check agent binaries, relay reachability (HTTP and WebSocket), keys and clock

Options:
  --agent A     codex, claude, shell or demo (default: auto-detect codex, then claude, then demo)
  --relay URL   relay to connect to (default: config relay.url; none = local only)
  --approve P   ask (default), always (accept everything) or never (decline everything)
  --model M     model name passed to the agent
  --cwd DIR     working directory of the agent (default: the current one)
  --pair        print the pairing QR code at start (automatic while no phone is paired)
  --control G   a phone asks for control: ask (default: y/n here; refused without a terminal),
                auto (granted) or never (refused)
  --mirror-bytes-per-second N
                terminal output mirrored to phones per second before a snapshot resync (default
                4194304; 0 = every byte)
  --no-voice    refuse voice (audio frames) from the phone (default: offline pocketsphinx + espeak-ng)
  -h, --help    this help; \`codex-remote <command> --help\` for a command

In a TUI or shell session, Ctrl-] opens a line for slash commands (/pair, /status, /control, /help).

Config: $XDG_CONFIG_HOME/codex-remote/config.toml (flags override it). Keys: keys.json beside it (0600).`,
  exec: `Usage: codex-remote exec --agent A --json [--approve never|always|ask] [--model M] [--cwd DIR] "prompt"

Runs one turn headless. With --json: the normalized AgentEvents as JSON lines on stdout; without:
the agent's text on stdout and a summary on stderr.
Exit code: 0 when the turn completed, 1 when it failed or was interrupted, 2 on usage errors.
With --approve ask and no terminal, approval requests are declined (nobody can answer them).`,
  pair: `Usage: codex-remote pair [--relay URL] [--timeout SECONDS]

Opens a one-time pairing room on the relay, prints a QR code and a link, and waits for the phone.
The link's secret sits in the URL fragment: it never reaches a server. The offer expires (default 300 s).`,
  devices: `Usage: codex-remote devices [list] [--json]
       codex-remote devices revoke [--relay URL] [--] ID

Lists the devices paired with this laptop, or revokes one (by id or a unique prefix). A revoked device
can no longer join: the relay is told when it is reachable, and the session host refuses it anyway.
Ids may start with "-": put -- before such an id.`,
  relay: `Usage: codex-remote relay [--host H] [--port P] [--static DIR] [--data DIR] [--store sqlite|memory]

Runs an embedded relay on this machine. It also serves the phone app's built files (apps/codex-mobile
build output, or --static DIR), so one process is a complete local install.`,
  doctor: `Usage: codex-remote doctor [--relay URL] [--json]

Checks: agent binaries and their versions (codex, claude), the relay's reachability over HTTP and its
WebSocket (a reverse proxy must pass the upgrade), the key file (present, mode 600) and the clock
(against the relay's, when reachable).`,
};
