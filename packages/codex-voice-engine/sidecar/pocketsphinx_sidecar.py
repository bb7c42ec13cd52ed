#!/usr/bin/python3
"""Streaming pocketsphinx sidecar for @codex-remote/codex-voice-engine.

Run with Debian's /usr/bin/python3 (python3-pocketsphinx). Arguments: --jsgf PATH [--model DIR].
stdin: messages of 1 type byte + 4-byte little-endian length + payload.
  b'S' start utterance, b'A' 16 kHz mono s16le audio, b'E' end utterance, b'Q' quit.
stdout: one JSON object per line: ready, partial, final, error.
"""
import json
import os
import struct
import sys

from pocketsphinx import Decoder

PARTIAL_EVERY = 5  # audio messages (20 ms each) between partial hypotheses


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def read_exact(stream, n):
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def main():
    args = sys.argv[1:]
    opts = dict(zip(args[0::2], args[1::2]))
    model = opts.get("--model", "/usr/share/pocketsphinx/model/en-us")
    config = Decoder.default_config()
    config.set_string("-hmm", os.path.join(model, "en-us"))
    config.set_string("-dict", os.path.join(model, "cmudict-en-us.dict"))
    config.set_string("-jsgf", opts["--jsgf"])
    config.set_float("-beam", 1e-80)
    config.set_float("-wbeam", 1e-60)
    config.set_boolean("-bestpath", False)
    config.set_string("-logfn", os.devnull)
    decoder = Decoder(config)
    emit({"type": "ready"})
    stdin = sys.stdin.buffer
    in_utt = False
    count = 0
    last_partial = ""
    while True:
        header = read_exact(stdin, 5)
        if header is None:
            return
        kind = header[0:1]
        (length,) = struct.unpack("<I", header[1:5])
        payload = read_exact(stdin, length) if length else b""
        if payload is None:
            return
        try:
            if kind == b"S":
                if in_utt:
                    decoder.end_utt()
                decoder.start_utt()
                in_utt = True
                count = 0
                last_partial = ""
            elif kind == b"A" and in_utt:
                decoder.process_raw(payload, False, False)
                count += 1
                if count % PARTIAL_EVERY == 0:
                    hyp = decoder.hyp()
                    text = hyp.hypstr if hyp is not None else ""
                    if text and text != last_partial:
                        last_partial = text
                        emit({"type": "partial", "text": text})
            elif kind == b"E":
                text = ""
                if in_utt:
                    decoder.end_utt()
                    in_utt = False
                    hyp = decoder.hyp()
                    text = hyp.hypstr if hyp is not None else ""
                emit({"type": "final", "text": text})
            elif kind == b"Q":
                return
        except Exception as exc:  # report and keep serving
            in_utt = False
            emit({"type": "error", "message": str(exc)})


if __name__ == "__main__":
    main()
