#!/usr/bin/python3
"""Writes a random-weight llama-architecture GGUF for tests and benchmarks (no downloads).

The vocabulary is SentencePiece-style: the 256 byte tokens, ChatML special tokens and a few dozen word
pieces, so any UTF-8 text tokenizes and the model's output is arbitrary bytes (possibly invalid UTF-8).

usage: make_tiny_gguf.py OUT.gguf [--embd 64] [--layers 2] [--ctx 2048] [--seed 1] [--no-template]
"""
import argparse

import numpy as np
from gguf import GGUFWriter, TokenType

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

WORDS = ["\u2581the", "\u2581a", "\u2581is", "\u2581hello", "\u2581world", "\u2581you", "\u2581I", "\u2581to",
         "\u2581and", "\u2581of", "\u2581in", "\u2581it", "\u2581what", "\u2581user", "\u2581system",
         "\u2581assistant", "\u2581", "e", "t", "a", "o", "i", "n", "s", "r", "h", "l", "d", "\u00e9",
         "\u4e16", "\u754c", "\U0001f600"]


def build_vocab():
    tokens, scores, types = [], [], []

    def add(text, score, kind):
        tokens.append(text)
        scores.append(score)
        types.append(kind)

    add("<unk>", 0.0, TokenType.UNKNOWN)
    add("<s>", 0.0, TokenType.CONTROL)
    add("</s>", 0.0, TokenType.CONTROL)
    add("<|im_start|>", 0.0, TokenType.CONTROL)
    add("<|im_end|>", 0.0, TokenType.CONTROL)
    for byte in range(256):
        add(f"<0x{byte:02X}>", 0.0, TokenType.BYTE)
    for rank, word in enumerate(WORDS):
        add(word, -float(rank + 1), TokenType.NORMAL)
    return tokens, scores, types


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--embd", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=2048)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-template", action="store_true")
    args = parser.parse_args()

    n_embd, n_head, n_head_kv = args.embd, 4, 2
    head_dim = n_embd // n_head
    n_ff = n_embd * 2
    tokens, scores, types = build_vocab()
    n_vocab = len(tokens)
    rng = np.random.default_rng(args.seed)

    writer = GGUFWriter(args.out, "llama")
    writer.add_name("localvoice-tiny-test")
    writer.add_context_length(args.ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(0)  # all F32
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(4)  # <|im_end|> ends a turn
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    if not args.no_template:
        writer.add_chat_template(CHATML_TEMPLATE)

    def weight(*shape):
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    writer.add_tensor("token_embd.weight", weight(n_vocab, n_embd))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("output.weight", weight(n_vocab, n_embd))
    for layer in range(args.layers):
        prefix = f"blk.{layer}."
        writer.add_tensor(prefix + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(prefix + "attn_q.weight", weight(n_embd, n_embd))
        writer.add_tensor(prefix + "attn_k.weight", weight(n_head_kv * head_dim, n_embd))
        writer.add_tensor(prefix + "attn_v.weight", weight(n_head_kv * head_dim, n_embd))
        writer.add_tensor(prefix + "attn_output.weight", weight(n_embd, n_embd))
        writer.add_tensor(prefix + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(prefix + "ffn_gate.weight", weight(n_ff, n_embd))
        writer.add_tensor(prefix + "ffn_up.weight", weight(n_ff, n_embd))
        writer.add_tensor(prefix + "ffn_down.weight", weight(n_embd, n_ff))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
