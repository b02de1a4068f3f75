#!/usr/bin/python3
"""A Wyoming client built on python3-wyoming's own client classes, for tests of LocalVoice's Wyoming server.

Prints one JSON object on stdout describing what the server answered:
  describe    the info event's data
  synthesize  a plain synthesize request: event types, audio format, sample count, RMS level
  stream      the same text streamed (synthesize-start, a chunk per word, the compatibility synthesize, stop)
  handle      a transcript with a conversation id: the handled/not-handled event and the streamed chunks
"""

import argparse
import asyncio
import json
import math
import struct

from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncClient
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeStopped


def audio_summary(events, pcm: bytes, start) -> dict:
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2]) if start and start.width == 2 else ()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768.0 if samples else 0.0
    types = []
    for event in events:
        if not (types and types[-1] == event.type == "audio-chunk"):
            types.append(event.type)
    return {
        "types": types,
        "starts": sum(1 for e in events if AudioStart.is_type(e.type)),
        "rate": start.rate if start else 0,
        "width": start.width if start else 0,
        "channels": start.channels if start else 0,
        "samples": len(samples),
        "seconds": len(samples) / start.rate if start and start.rate else 0.0,
        "rms": rms,
    }


async def read_audio(client: AsyncClient, until: str) -> dict:
    events, pcm, start = [], bytearray(), None
    while True:
        event = await client.read_event()
        if event is None:
            raise RuntimeError("the server closed the connection")
        events.append(event)
        if AudioStart.is_type(event.type) and start is None:
            start = AudioStart.from_event(event)
        elif AudioChunk.is_type(event.type):
            chunk = AudioChunk.from_event(event)
            if start is None or (chunk.rate, chunk.width, chunk.channels) != (start.rate, start.width, start.channels):
                raise RuntimeError("an audio-chunk whose format differs from audio-start")
            pcm += chunk.audio
        if event.type == until:
            return audio_summary(events, bytes(pcm), start)


async def run(args) -> dict:
    async with AsyncClient.from_uri(args.uri, connect_timeout=10, read_timeout=args.timeout) as client:
        if args.mode == "describe":
            await client.write_event(Describe().event())
            while True:
                event = await client.read_event()
                if Info.is_type(event.type):
                    return event.data
        if args.mode == "synthesize":
            await client.write_event(Synthesize(text=args.text).event())
            return await read_audio(client, AudioStop().event().type)
        if args.mode == "stream":
            await client.write_event(SynthesizeStart().event())
            words = args.text.split(" ")
            for i, word in enumerate(words):
                await client.write_event(SynthesizeChunk(text=word + (" " if i + 1 < len(words) else "")).event())
            await client.write_event(Synthesize(text=args.text).event())
            await client.write_event(SynthesizeStop().event())
            return await read_audio(client, SynthesizeStopped().event().type)
        # handle
        await client.write_event(
            Transcript(text=args.text, context={"conversation_id": args.conversation_id}).event()
        )
        chunks = ""
        while True:
            event = await client.read_event()
            if event is None:
                raise RuntimeError("the server closed the connection")
            if event.type == "handled-chunk":
                chunks += event.data.get("text", "")
            if event.type in ("handled", "not-handled"):
                return {"type": event.type, "text": event.data.get("text"), "context": event.data.get("context"),
                        "chunks": chunks}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uri", required=True)
    parser.add_argument("--mode", required=True, choices=["describe", "synthesize", "stream", "handle"])
    parser.add_argument("--text", default="")
    parser.add_argument("--conversation-id", default="test")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
