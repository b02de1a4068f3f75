#!/usr/bin/python3
"""Writes a random-weight llama-architecture embedding GGUF for tests and benchmarks (no downloads).

llama.cpp computes sentence embeddings from any llama-architecture model when a context asks for them, so
a tiny causal model is enough to exercise the whole embedding path: tokenizing, batching several texts per
decode, pooling and normalizing. The vocabulary is SentencePiece-style (256 byte tokens and a few word
pieces), so any UTF-8 text tokenizes. --pooling writes the model's own pooling type (as BERT-style
embedding models declare theirs); without it the model declares none.

--arch bert writes what all-MiniLM-L6-v2 and bge-small are instead: a BERT encoder (non-causal attention,
learned positions, biases, LayerNorm) with a WordPiece vocabulary, [CLS] ... [SEP] around every text, and
mean pooling declared unless --pooling says otherwise.

usage: make_tiny_embedding_gguf.py OUT.gguf [--arch llama|bert] [--embd 32] [--layers 2] [--ctx 256]
                                   [--seed 7] [--pooling mean|cls|last|rank]
"""
import argparse

import numpy as np
from gguf import GGUFWriter, PoolingType, TokenType

PIECES = ["\u2581the", "\u2581a", "\u2581is", "\u2581cat", "\u2581dog", "\u2581sat", "\u2581on", "\u2581mat",
          "\u2581hello", "\u2581world", "\u2581", "e", "t", "a", "o", "i", "n", "s", "r", "h"]

WORDS = ["the", "a", "is", "cat", "dog", "sat", "on", "mat", "hello", "world", "what", "where", "wifi", "router",
         "password", "reset", "how", "do", "i", ",", ".", "?", "!"]
SUFFIXES = ["s", "ing", "ed", "e", "t", "a", "o", "i", "n", "r", "h", "l"]

POOLING = {"mean": PoolingType.MEAN, "cls": PoolingType.CLS, "last": PoolingType.LAST, "rank": PoolingType.RANK}


def vocabulary():
    tokens = ["<unk>", "<s>", "</s>"]
    scores = [0.0, 0.0, 0.0]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    for byte in range(256):
        tokens.append(f"<0x{byte:02X}>")
        scores.append(0.0)
        types.append(TokenType.BYTE)
    for rank, piece in enumerate(PIECES):
        tokens.append(piece)
        scores.append(-float(rank + 1))
        types.append(TokenType.NORMAL)
    return tokens, scores, types


def write_bert(args, rng):
    # WordPiece as llama.cpp stores it: whole words carry a leading "\u2581", word continuations ("##s") lose
    # their "##", and the bracketed specials stay as they are.
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += ["\u2581" + word for word in WORDS] + SUFFIXES
    tokens += ["\u2581" + chr(c) for c in range(ord("a"), ord("z") + 1) if "\u2581" + chr(c) not in tokens]
    n_embd, n_head, n_ff, n_types = args.embd, 4, args.embd * 2, 2

    writer = GGUFWriter(args.out, "bert")
    writer.add_name("localvoice-tiny-bert-embedding")
    writer.add_context_length(args.ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_layer_norm_eps(1e-12)
    writer.add_causal_attention(False)
    writer.add_pooling_type(POOLING[args.pooling or "mean"])
    writer.add_file_type(0)
    writer.add_tokenizer_model("bert")
    writer.add_token_list(tokens)
    writer.add_token_types([TokenType.CONTROL] * 5 + [TokenType.NORMAL] * (len(tokens) - 5))
    writer.add_token_type_count(n_types)
    writer.add_unk_token_id(1)
    writer.add_pad_token_id(0)
    writer.add_bos_token_id(2)  # [CLS]
    writer.add_sep_token_id(3)
    writer.add_eos_token_id(3)
    writer.add_mask_token_id(4)
    writer.add_add_bos_token(True)
    writer.add_add_sep_token(True)

    def weight(*shape):
        return (rng.standard_normal(shape) * 0.3).astype(np.float32)

    def ones(n):
        return np.ones(n, dtype=np.float32)

    def zeros(n):
        return np.zeros(n, dtype=np.float32)

    writer.add_tensor("token_embd.weight", weight(len(tokens), n_embd))
    writer.add_tensor("token_types.weight", weight(n_types, n_embd))
    writer.add_tensor("position_embd.weight", weight(args.ctx, n_embd))
    writer.add_tensor("token_embd_norm.weight", ones(n_embd))
    writer.add_tensor("token_embd_norm.bias", zeros(n_embd))
    for layer in range(args.layers):
        prefix = f"blk.{layer}."
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(prefix + name + ".weight", weight(n_embd, n_embd))
            writer.add_tensor(prefix + name + ".bias", weight(n_embd))
        writer.add_tensor(prefix + "attn_output_norm.weight", ones(n_embd))
        writer.add_tensor(prefix + "attn_output_norm.bias", zeros(n_embd))
        writer.add_tensor(prefix + "ffn_up.weight", weight(n_ff, n_embd))
        writer.add_tensor(prefix + "ffn_up.bias", weight(n_ff))
        writer.add_tensor(prefix + "ffn_down.weight", weight(n_embd, n_ff))
        writer.add_tensor(prefix + "ffn_down.bias", weight(n_embd))
        writer.add_tensor(prefix + "layer_output_norm.weight", ones(n_embd))
        writer.add_tensor(prefix + "layer_output_norm.bias", zeros(n_embd))
    return writer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--arch", choices=["llama", "bert"], default="llama")
    parser.add_argument("--embd", type=int, default=32)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pooling", choices=sorted(POOLING))
    args = parser.parse_args()

    n_embd, n_head, n_head_kv = args.embd, 4, 2
    head_dim = n_embd // n_head
    n_ff = n_embd * 2
    tokens, scores, types = vocabulary()
    rng = np.random.default_rng(args.seed)
    if args.arch == "bert":
        writer = write_bert(args, rng)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        return

    writer = GGUFWriter(args.out, "llama")
    writer.add_name("localvoice-tiny-embedding")
    writer.add_context_length(args.ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(0)  # all F32
    if args.pooling:
        writer.add_pooling_type(POOLING[args.pooling])
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    # A leading <s> gives even an empty text one token, as BERT-style models' [CLS] does.
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)

    def weight(*shape):
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    writer.add_tensor("token_embd.weight", weight(len(tokens), n_embd))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("output.weight", weight(len(tokens), n_embd))
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
