#!/usr/bin/python3
"""A Wyoming asr/tts server built on python3-wyoming's own server classes, for the wyoming:// engine tests.

Modes: asr (answers "heard N samples at R hz"), tts (a 440 Hz tone, 0.1 s per word), silent (never answers),
close (drops the connection mid-stream), error (answers with an `error` event). Logs "port N" on stderr once
listening; with --log, writes each request event it received as one JSON line.
"""

import argparse
import asyncio
import json
import math
import struct
import sys

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.server import AsyncEventHandler, AsyncServer


def tone(seconds: float, rate: int, channels: int) -> bytes:
    frames = int(round(seconds * rate))
    out = bytearray()
    for i in range(frames):
        value = int(16000 * math.sin(2 * math.pi * 440 * i / rate))
        out += struct.pack("<h", value) * channels
    return bytes(out)


class Handler(AsyncEventHandler):
    def __init__(self, args, *rest) -> None:
        super().__init__(*rest)
        self.args = args
        self.samples = 0
        self.rate = 0
        self.width = 2
        self.channels = 1
        self.language = None

    def log(self, event: Event) -> None:
        if self.args.log and event.type != "audio-chunk":
            with open(self.args.log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"type": event.type, "data": event.data}) + "\n")

    async def handle_event(self, event: Event) -> bool:
        self.log(event)
        mode = self.args.mode
        if mode == "silent":
            return True
        if event.type == "describe":
            await self.write_event(Event(type="info", data={"asr": [], "tts": [], "version": "test"}))
        elif event.type == "transcribe":
            self.language = event.data.get("language")
        elif AudioStart.is_type(event.type):
            start = AudioStart.from_event(event)
            self.rate, self.width, self.channels = start.rate, start.width, start.channels
        elif AudioChunk.is_type(event.type):
            chunk = AudioChunk.from_event(event)
            self.samples += chunk.samples
            if mode == "close":
                return False
            if self.args.stream_transcript and self.samples >= self.rate // 2 and self.samples - chunk.samples < self.rate // 2:
                await self.write_event(Event(type="transcript-start"))
                await self.write_event(Event(type="transcript-chunk", data={"text": "half "}))
        elif AudioStop.is_type(event.type):
            if mode == "error":
                await self.write_event(Error(text="model not loaded", code="no-model").event())
                return True
            text = f"heard {self.samples} samples at {self.rate} hz"
            if self.args.stream_transcript:
                await self.write_event(Event(type="transcript-stop"))
            await self.write_event(
                Event(type="transcript", data={"text": text, "language": self.language or "en"})
            )
        elif event.type == "synthesize":
            return await self.synthesize(event)
        return True

    async def synthesize(self, event: Event) -> bool:
        if self.args.mode == "error":
            await self.write_event(Error(text="unknown voice", code="no-voice").event())
            return True
        rate, channels = self.args.rate, self.args.channels
        words = len(event.data.get("text", "").split())
        audio = tone(0.1 * words, rate, channels)
        await self.write_event(AudioStart(rate=rate, width=2, channels=channels).event())
        step = 1024 * 2 * channels
        for at in range(0, len(audio), step):
            await self.write_event(
                AudioChunk(rate=rate, width=2, channels=channels, audio=audio[at : at + step]).event()
            )
            if self.args.mode == "close":
                return False
        await self.write_event(AudioStop().event())
        return True


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uri", default="tcp://127.0.0.1:0")
    parser.add_argument("--mode", default="asr", choices=["asr", "tts", "silent", "close", "error"])
    parser.add_argument("--rate", type=int, default=22050)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--stream-transcript", action="store_true")
    parser.add_argument("--log")
    args = parser.parse_args()

    server = AsyncServer.from_uri(args.uri)
    await server.start(lambda reader, writer: Handler(args, reader, writer))
    if args.uri.startswith("tcp://"):
        port = server._server.sockets[0].getsockname()[1]  # the port the OS chose for port 0
        print(f"port {port}", file=sys.stderr, flush=True)
    else:
        print("listening", file=sys.stderr, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
