#!/usr/bin/python3
"""Drives a real `localvoice serve --wyoming ...` (pocketsphinx STT, flite TTS) with python3-wyoming's clients.

Usage: wyoming_serve_test.py PATH/TO/localvoice. Exits 77 (skipped) when python3-wyoming is missing.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import wave

try:
    from wyoming.asr import Transcribe
    from wyoming.audio import AudioChunk, AudioStart, AudioStop
    from wyoming.client import AsyncClient, AsyncTcpClient
    from wyoming.info import Describe, Info
except ImportError:
    print("SKIP: python3-wyoming is not installed (apt-get install -y python3-wyoming/forky)")
    sys.exit(77)

PHRASE = "what is the weather like today"


def start_server(program, home):
    env = dict(os.environ, HOME=home, HF_HUB_OFFLINE="1", LOCALVOICE_LOG_FORMAT="json",
               XDG_CONFIG_HOME=home + "/config", XDG_DATA_HOME=home + "/data", XDG_CACHE_HOME=home + "/cache")
    sock = home + "/wyoming.sock"
    proc = subprocess.Popen([program, "serve", "--port", "0", "--vad", "energy:", "--stt", "pocketsphinx:en-us",
                             "--tts", "flite:slt", "--wyoming", "tcp://127.0.0.1:0", "--wyoming", "unix://" + sock],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    loaded = False
    log = []
    deadline = time.time() + 120
    while time.time() < deadline and not (port and loaded):
        line = proc.stderr.readline()
        if not line:
            break
        log.append(line)
        if '"msg":"wyoming listening"' in line and '"port"' in line:
            port = json.loads(line)["port"]
        if '"msg":"engines loaded"' in line:
            loaded = True
    if not (port and loaded):
        proc.kill()
        raise SystemExit("server did not start:\n" + "".join(log))
    # Keep reading the log so the server never blocks on a full pipe.
    import threading
    threading.Thread(target=lambda: [log.append(l) for l in proc.stderr], daemon=True).start()
    return proc, port, sock, log


def flite_wav(program, home):
    path = home + "/phrase.wav"
    subprocess.run([program, "speak", PHRASE, "-o", path, "--tts", "flite:slt"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with wave.open(path, "rb") as w:
        return w.getframerate(), w.getsampwidth(), w.getnchannels(), w.readframes(w.getnframes())


async def transcribe(client, audio, with_transcribe=True):
    rate, width, channels, pcm = audio
    if with_transcribe:
        await client.write_event(Transcribe(language="en").event())
    await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
    step = rate * width * channels // 10  # 100 ms chunks
    for at in range(0, len(pcm), step):
        await client.write_event(AudioChunk(rate=rate, width=width, channels=channels, audio=pcm[at:at + step]).event())
    silence = bytes(rate * width * channels // 2)
    await client.write_event(AudioChunk(rate=rate, width=width, channels=channels, audio=silence).event())
    started = time.monotonic()
    await client.write_event(AudioStop().event())
    types = []
    chunks = []
    while True:
        event = await client.read_event()
        assert event is not None, "connection closed before the transcript"
        types.append(event.type)
        if event.type == "transcript-chunk":
            chunks.append(event.data["text"])
        if event.type == "transcript":
            return event.data, types, chunks, (time.monotonic() - started) * 1000.0


async def check_describe(port):
    async with AsyncTcpClient("127.0.0.1", port) as client:
        started = time.monotonic()
        await client.write_event(Describe().event())
        event = await asyncio.wait_for(client.read_event(), timeout=1.0)
        took = time.monotonic() - started
        assert Info.is_type(event.type), event.type
        info = Info.from_event(event)
        assert info.asr, "info lists no asr program"
        asr = info.asr[0]
        assert asr.installed and asr.name == "pocketsphinx", asr
        assert asr.models and "en" in asr.models[0].languages, asr.models
        assert asr.supports_transcript_streaming
        print(f"describe: info in {took * 1000:.1f} ms, asr {asr.name} models {[m.name for m in asr.models]}")


async def check_transcribe(port, audio):
    async with AsyncTcpClient("127.0.0.1", port) as client:
        data, types, chunks, latency_ms = await transcribe(client, audio)
    assert "weather" in data["text"] and "today" in data["text"], data
    assert data.get("language") == "en", data
    assert types[0] == "transcript-start", types
    assert "transcript-stop" in types and types.index("transcript-stop") < types.index("transcript"), types
    assert "".join(chunks).strip() == data["text"], (chunks, data)
    print(f"transcribe: '{data['text']}' {latency_ms:.0f} ms after audio-stop; events {types}")


async def check_two_clients(port, audio):
    async def one():
        async with AsyncTcpClient("127.0.0.1", port) as client:
            return (await transcribe(client, audio, with_transcribe=False))[0]["text"]
    texts = await asyncio.gather(one(), one())
    for text in texts:
        assert "weather" in text, texts
    print(f"two clients: {texts}")


async def check_oversize_then_next(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"{" + b" " * (70 * 1024))  # a header over the 64 KiB limit, no newline
    await writer.drain()
    closed = await asyncio.wait_for(reader.read(), timeout=5.0)
    assert closed == b"", closed
    writer.close()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"not json\n")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), timeout=5.0) == b""
    writer.close()
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Describe().event())
        event = await asyncio.wait_for(client.read_event(), timeout=1.0)
        assert event is not None and event.type == "info"
    print("oversize header: that connection closed, the next client answered")


async def check_unix(sock, audio):
    async with AsyncClient.from_uri("unix://" + sock) as client:
        await client.write_event(Describe().event())
        event = await asyncio.wait_for(client.read_event(), timeout=1.0)
        assert event.type == "info"
        data = (await transcribe(client, audio))[0]
    assert "weather" in data["text"], data
    print("unix socket: info and transcript")


def main():
    program = sys.argv[1]
    with tempfile.TemporaryDirectory() as home:
        audio = flite_wav(program, home)
        proc, port, sock, log = start_server(program, home)
        try:
            asyncio.run(check_describe(port))
            asyncio.run(check_transcribe(port, audio))
            asyncio.run(check_two_clients(port, audio))
            asyncio.run(check_oversize_then_next(port))
            asyncio.run(check_unix(sock, audio))
            assert any("malformed or oversize" in line for line in log), "no log line for the closed connection"
        except BaseException:
            print("".join(log[-40:]), file=sys.stderr)
            raise
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print("all Wyoming checks passed")


if __name__ == "__main__":
    main()
