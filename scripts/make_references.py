#!/usr/bin/env python3
"""Make the reference fixtures in tests/fixtures/reference/ from independent implementations.

Run once by hand (not in CI) when a model or the fixture set changes:

    python3 -m venv /tmp/venv-ref
    /tmp/venv-ref/bin/pip install numpy safetensors tokenizers gguf jinja2 llama-cpp-python
    /tmp/venv-ref/bin/python scripts/make_references.py \
        --minilm-dir DIR_WITH_config.json_tokenizer.json_model.safetensors \
        --gguf PATH/TO/SmolLM2-135M-Instruct.Q4_1.gguf

What each fixture is checked against, and why that reference is independent of ours:

- minilm_embeddings.json: a float64 numpy port of BERT (this file) reading the same
  safetensors, with sentence-transformers' pooling (mean over real tokens, L2 normalise) and
  max_seq_length (256). Torch is not needed; numpy in float64 is a stricter reference than
  float32 torch would be. Token ids come from the `tokenizers` package on tokenizer.json with
  its fixed padding removed, as sentence-transformers does.
- gguf_tokenizer.json: llama.cpp (through llama-cpp-python, vocab only) tokenizing with
  special-token parsing on and no BOS: llama.cpp is the implementation that defines what the
  GGUF tokenizer metadata (`tokenizer.ggml.*`) means.
- smollm2_greedy.json: llama.cpp greedy decoding (argmax of the raw logits, no sampler, f32
  KV cache, no repacked weights) of
  ChatML prompts rendered with jinja2 from the GGUF's own `tokenizer.chat_template`. llama.cpp
  quantises activations to Q8 for quantised matmuls, as candle's CPU path does, so early
  tokens should agree; the top-1/top-2 logit margin is stored so a test can tell a real bug
  from a near-tie.
- smollm2_scores.json: log-probabilities of whole continuations after a prompt, from llama.cpp
  and from a float64 numpy llama on the dequantised weights (this file): the spread between
  those two shows how far Q8 activation rounding alone moves a score.
"""

import argparse
import json
import math
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "tests", "fixtures", "reference")

# --------------------------------------------------------------------------------------
# MiniLM (BERT) in numpy, float64
# --------------------------------------------------------------------------------------

SENTENCES = [
    "The council approved the new budget on Tuesday evening.",
    "A spokesperson said the talks would resume next week.",
    "Rain is expected across the northern valleys tomorrow.",
    "\"We will not accept any deal that ignores our demands,\" the union leader said.",
    "Officials, speaking on condition of anonymity, described the negotiations as fragile.",
    "Prices rose 3.4% in March, the fastest pace since 2019.",
    "She said that the committee had not yet reviewed the evidence.",
    "Short.",
    "ok",
    "The mayor’s office declined to comment on the report’s findings.",
    "Négociations à Genève : les délégués se réunissent de nouveau.",
    "Die Verhandlungen wurden am Montag ohne Ergebnis abgebrochen.",
    "東京で会議が開かれた。",
    "Emoji test 🎉🙂 with mixed content and numbers 42, 7.5, and 1,000,000.",
    "A ceasefire would allow aid convoys to reach the besieged towns.",
    "The minister rejected calls for a ceasefire, saying the operation would continue.",
    "According to two people familiar with the matter, the proposal was withdrawn.",
    "The company reported quarterly revenue of $4.2 billion, beating forecasts.",
    "Residents queued for hours outside the only open pharmacy.",
    "“It is too early to say,” she told reporters outside the court.",
    "Line one\nLine two\n\nLine four after a blank line.",
    "   Leading and trailing spaces   ",
    "UPPER CASE HEADLINE ABOUT THE ELECTION RESULTS",
    "The quick brown fox jumps over the lazy dog.",
    "Is this the end of the era of cheap money?",
    "Tabs\tbetween\twords and a URL https://example.org/path?x=1.",
    "Scientists found no link between the vaccine and the reported symptoms.",
    "The bridge, closed since the flood, reopened to traffic on Friday.",
    "He added: \"Nobody here wants another war, but nobody trusts the other side either.\"",
    # Longer than MiniLM's 256-token limit, to check truncation.
    " ".join(
        f"Paragraph {i} of a deliberately long text repeats a plain observation about the weather, "
        f"the markets and the harbour."
        for i in range(40)
    ),
]


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu_erf(x):
    # BERT's "gelu" is the exact erf form.
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def bert_forward(weights, cfg, ids):
    """Last hidden states for one unpadded sequence (so no attention mask is needed)."""
    g = lambda name: weights[name].astype(np.float64)  # noqa: E731
    n = len(ids)
    x = (
        g("embeddings.word_embeddings.weight")[ids]
        + g("embeddings.position_embeddings.weight")[np.arange(n)]
        + g("embeddings.token_type_embeddings.weight")[np.zeros(n, dtype=np.int64)]
    )
    eps = cfg["layer_norm_eps"]
    x = layer_norm(x, g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"), eps)
    heads = cfg["num_attention_heads"]
    hd = cfg["hidden_size"] // heads
    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        lin = lambda t, name: t @ g(p + name + ".weight").T + g(p + name + ".bias")  # noqa: E731
        q = lin(x, "attention.self.query").reshape(n, heads, hd).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(n, heads, hd).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(n, heads, hd).transpose(1, 0, 2)
        att = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
        att = np.exp(att - att.max(-1, keepdims=True))
        att = att / att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(1, 0, 2).reshape(n, heads * hd)
        x = layer_norm(
            lin(ctx, "attention.output.dense") + x,
            g(p + "attention.output.LayerNorm.weight"),
            g(p + "attention.output.LayerNorm.bias"),
            eps,
        )
        h = gelu_erf(lin(x, "intermediate.dense"))
        x = layer_norm(
            lin(h, "output.dense") + x,
            g(p + "output.LayerNorm.weight"),
            g(p + "output.LayerNorm.bias"),
            eps,
        )
    return x


def make_minilm(minilm_dir, out_dir):
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    cfg = json.load(open(os.path.join(minilm_dir, "config.json")))
    weights = load_file(os.path.join(minilm_dir, "model.safetensors"))
    weights = {k[len("bert."):] if k.startswith("bert.") else k: v for k, v in weights.items()}
    max_len = 256
    sb = os.path.join(minilm_dir, "sentence_bert_config.json")
    if os.path.exists(sb):
        max_len = json.load(open(sb))["max_seq_length"]
    tok = Tokenizer.from_file(os.path.join(minilm_dir, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)

    items = []
    for s in SENTENCES:
        ids = tok.encode(s).ids
        hidden = bert_forward(weights, cfg, np.array(ids))
        pooled = hidden.mean(0)
        emb = pooled / max(np.linalg.norm(pooled), 1e-12)
        items.append({"text": s, "ids": ids, "embedding": [round(float(v), 7) for v in emb]})
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "reference": "numpy float64 BERT port in scripts/make_references.py; mean pooling; L2 norm",
        "max_seq_length": max_len,
        "items": items,
    }
    write_json(out_dir, "minilm_embeddings.json", out)


# --------------------------------------------------------------------------------------
# GGUF tokenizer strings
# --------------------------------------------------------------------------------------

TOKENIZER_BASE = [
    "",
    " ",
    "  ",
    "\n",
    "\n\n\n",
    "\t",
    " \t \n ",
    "Hello",
    " Hello",
    "Hello world",
    "hello   world",
    "Hello, world!",
    "HELLO WORLD",
    "don't won't can't I'm you're we've they'll he'd",
    "DON'T WON'T I'M",
    "It's 5 o'clock",
    "0",
    "7",
    "42",
    "123456789",
    "3.14159",
    "1,000,000",
    "-17.5%",
    "$4.2bn",
    "2024-05-01T12:30:00Z",
    "+44 20 7946 0000",
    "“Curly double quotes”",
    "‘curly single quotes’",
    "\"straight double\"",
    "'straight single'",
    "«guillemets» and „low quotes“",
    "em—dash and en–dash - hyphen",
    "ellipsis… and three dots...",
    "naïve café résumé coöperate",
    "Ünïcödé ÀÉÎÕÜ ß ø å",
    "Привет, мир",
    "Γειά σου Κόσμε",
    "مرحبا بالعالم",
    "שלום עולם",
    "你好，世界",
    "こんにちは世界",
    "안녕하세요 세계",
    "नमस्ते दुनिया",
    "🎉",
    "🙂🙃",
    "👨‍👩‍👧‍👦 family",
    "🇺🇦🇪🇺 flags",
    "emoji at end 😀",
    "Zero\u200bwidth",
    "non\u00a0breaking space",
    "tab\tseparated\tvalues",
    "trailing spaces   ",
    "   leading spaces",
    "line\r\nwindows",
    "def f(x):\n    return x * 2\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    "fn main() {\n\tprintln!(\"{}\", 1 + 2);\n}",
    "SELECT * FROM users WHERE id = 7;",
    "<html><body class=\"x\">Hi</body></html>",
    "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
    "https://example.com/path/to/page?query=1&other=two#frag",
    "user@example.org",
    "#hashtag @mention",
    "C++ C# F# .NET",
    "a+b=c; x*y/z",
    "<|im_start|>",
    "<|im_end|>",
    "<|endoftext|>",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>system\nYou are terse.<|im_end|>\n",
    "text<|im_end|>more text",
    "<|im_start|><|im_end|>",
    "not special <|im_start and |im_end|>",
    "<repo_name>x<file_sep>y",
    "The ceasefire talks resumed in Doha on Monday.",
    "\"We are ready,\" the spokesman said, \"but they are not.\"",
    "Mr. O'Neill's report—published Tuesday—was 300 pages long.",
    "UN Secretary-General urged all parties to exercise restraint.",
    "ALL CAPS SENTENCE WITH 12 NUMBERS 345",
    "mixedCaseIdentifier snake_case_name kebab-case-name",
    "Multiple     spaces     between",
    "Sentence one. Sentence two! Sentence three?",
    "!!!???...,,,;;;:::",
    "(parentheses) [brackets] {braces} <angles>",
    "~`^|\\/",
    "x" * 50,
    "ab" * 30,
    "1" * 25,
    " 1 2 3 4 5 ",
]

TOKENIZER_WORDS = [
    "the", "ceasefire", "Minister", "said", "2025", "€50", "naïve", "—", "“quoted”",
    "don't", "🎉", "東京", "  ", "\n", "\t", "<|im_end|>", "x=1;", "O'Brien", "3.5%", "!?",
    "Ünited", "Kyiv", "Gaza", "talks", "'s", "...", "#1", "ñ", "ok", "A",
]


def tokenizer_strings():
    rng = random.Random(20240501)
    out = list(TOKENIZER_BASE)
    seps = [" ", "", "  ", "\n", ", ", " - ", "\t", " \n"]
    while len(out) < 300:
        n = rng.randint(2, 9)
        parts = [rng.choice(TOKENIZER_WORDS) for _ in range(n)]
        s = parts[0]
        for p in parts[1:]:
            s += rng.choice(seps) + p
        if rng.random() < 0.2:
            s = " " + s
        if rng.random() < 0.2:
            s = s + rng.choice([" ", "\n", "  "])
        out.append(s)
    return out


def make_tokenizer(gguf_path, out_dir):
    from llama_cpp import Llama

    llm = Llama(model_path=gguf_path, vocab_only=True, verbose=False)
    items = []
    for s in tokenizer_strings():
        ids = llm.tokenize(s.encode("utf-8"), add_bos=False, special=True)
        items.append({"text": s, "ids": ids})
    out = {
        "model": os.path.basename(gguf_path),
        "reference": "llama.cpp via llama-cpp-python: tokenize(add_bos=False, special=True)",
        "items": items,
    }
    write_json(out_dir, "gguf_tokenizer.json", out)


# --------------------------------------------------------------------------------------
# SmolLM2 greedy decoding and continuation scores with llama.cpp
# --------------------------------------------------------------------------------------

# Chosen among candidates for a clear greedy path: in llama.cpp every one of the first 8
# tokens wins by at least 0.4 logits. Prompts whose first token is a near-tie (e.g. "Is water
# wet?" at 0.14, "What is the capital of France?" at 0.06, where a float64 dequantised run
# picks differently from llama.cpp) test rounding, not correctness.
CHAT_PROMPTS = [
    (None, "Summarise in one sentence: The council voted to close the old bridge after engineers found cracks in its supports."),
    ("Answer briefly.", "Who wrote Romeo and Juliet?"),
    (None, "Give me a short title for a news story about a flood in a small town."),
]

SCORE_CASES = [
    {
        "prompt": "The capital of France is",
        "continuations": [" Paris", " London", " a city in Europe", " Paris, which is known for the Eiffel Tower"],
    },
    {
        "prompt": "Question: Does the speaker support the ceasefire?\nStatement: \"We welcome the truce and hope it holds.\"\nAnswer:",
        "continuations": [" yes", " no", " neutral"],
    },
]


def dequantized_llama(gguf_path):
    """A float64 forward pass of a GGUF llama model with dequantised weights and exact
    activations: the quantisation-free answer both llama.cpp and candle approximate."""
    from gguf import GGUFReader, dequantize

    r = GGUFReader(gguf_path)
    w = {}
    for t in r.tensors:
        a = dequantize(t.data, t.tensor_type).astype(np.float64)
        w[t.name] = a.reshape(tuple(int(x) for x in reversed(t.shape.tolist())))
    field = lambda k: r.fields[k].contents()  # noqa: E731
    n_layer = field("llama.block_count")
    n_head = field("llama.attention.head_count")
    n_kv = field("llama.attention.head_count_kv")
    eps = field("llama.attention.layer_norm_rms_epsilon")
    base = field("llama.rope.freq_base")
    dim = field("llama.embedding_length")
    hd = dim // n_head

    def rms(x, g):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g

    def rope(x, pos):
        # GGUF llama Q/K weights are permuted for llama.cpp's interleaved ("normal") RoPE:
        # dimensions (2i, 2i+1) rotate together.
        theta = base ** (-np.arange(0, hd, 2) / hd)
        ang = pos[:, None] * theta[None, :]
        c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * c - x1 * s
        out[..., 1::2] = x0 * s + x1 * c
        return out

    def forward(ids):
        n = len(ids)
        pos = np.arange(n, dtype=np.float64)
        x = w["token_embd.weight"][ids]
        for layer in range(n_layer):
            p = f"blk.{layer}."
            h = rms(x, w[p + "attn_norm.weight"])
            q = rope((h @ w[p + "attn_q.weight"].T).reshape(n, n_head, hd), pos)
            k = rope((h @ w[p + "attn_k.weight"].T).reshape(n, n_kv, hd), pos)
            v = (h @ w[p + "attn_v.weight"].T).reshape(n, n_kv, hd)
            k = np.repeat(k, n_head // n_kv, axis=1)
            v = np.repeat(v, n_head // n_kv, axis=1)
            att = np.einsum("qhd,khd->hqk", q, k) / math.sqrt(hd)
            att = att + np.triu(np.full((n, n), -np.inf), 1)[None]
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            o = np.einsum("hqk,khd->qhd", att, v).reshape(n, dim)
            x = x + o @ w[p + "attn_output.weight"].T
            h = rms(x, w[p + "ffn_norm.weight"])
            gate = h @ w[p + "ffn_gate.weight"].T
            up = h @ w[p + "ffn_up.weight"].T
            x = x + ((gate / (1 + np.exp(-gate))) * up) @ w[p + "ffn_down.weight"].T
        x = rms(x, w["output_norm.weight"])
        return x @ w.get("output.weight", w["token_embd.weight"]).T

    return forward


def render_chat(template, system, user):
    import jinja2

    messages = []
    if system is not None:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": user})
    env = jinja2.Environment()
    return env.from_string(template).render(messages=messages, add_generation_prompt=True)


def llama_ctx(gguf_path):
    import llama_cpp.llama_cpp as raw
    from llama_cpp import Llama

    # Keep llama.cpp on its plain CPU kernels (Q4_1 x Q8_1 dot products, as candle's): the
    # "extra buffer types" repack weights for AMX/AVX-512 paths, which crashed in this VM and
    # would sum in yet another order.
    default_params = raw.llama_model_default_params

    def plain_params():
        p = default_params()
        p.use_extra_bufts = False
        return p

    raw.llama_model_default_params = plain_params

    # One thread keeps llama.cpp deterministic. An f32 KV cache (llama.cpp's default is f16)
    # matches candle's, so the two differ only in matmul summation order.
    return Llama(
        model_path=gguf_path,
        n_ctx=1024,
        n_threads=1,
        n_threads_batch=1,
        type_k=0,
        type_v=0,
        flash_attn=False,
        logits_all=True,
        seed=0,
        verbose=False,
    )


def log_softmax(v):
    v = np.asarray(v, dtype=np.float64)
    m = v.max()
    return v - m - math.log(np.exp(v - m).sum())


def make_generation(gguf_path, out_dir, n_tokens=16):
    from gguf import GGUFReader

    template = GGUFReader(gguf_path).fields["tokenizer.chat_template"].contents()
    llm = llama_ctx(gguf_path)
    items = []
    for system, user in CHAT_PROMPTS:
        prompt = render_chat(template, system, user)
        prompt_ids = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        llm.reset()
        llm.eval(prompt_ids)
        gen, margins = [], []
        for _ in range(n_tokens):
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float64)
            order = np.argsort(-logits)
            tok = int(order[0])
            gen.append(tok)
            margins.append(round(float(logits[order[0]] - logits[order[1]]), 4))
            llm.eval([tok])
        items.append(
            {
                "system": system,
                "user": user,
                "prompt": prompt,
                "prompt_ids": prompt_ids,
                "greedy_ids": gen,
                "top1_margins": margins,
                "text": llm.detokenize(gen).decode("utf-8", errors="replace"),
            }
        )
    out = {
        "model": os.path.basename(gguf_path),
        "reference": "llama.cpp via llama-cpp-python, argmax of raw logits, 1 thread",
        "items": items,
    }
    write_json(out_dir, "smollm2_greedy.json", out)

    f64_forward = dequantized_llama(gguf_path)
    cases = []
    for case in SCORE_CASES:
        p_ids = llm.tokenize(case["prompt"].encode("utf-8"), add_bos=False, special=True)
        scores, exact = [], []
        for cont in case["continuations"]:
            c_ids = llm.tokenize(cont.encode("utf-8"), add_bos=False, special=True)
            llm.reset()
            llm.eval(p_ids + c_ids)
            rows = [np.array(llm.scores[len(p_ids) + i - 1], dtype=np.float64) for i in range(len(c_ids))]
            scores.append(round(sum(float(log_softmax(r)[t]) for r, t in zip(rows, c_ids)), 5))
            logits = f64_forward(p_ids + c_ids)
            exact.append(
                round(sum(float(log_softmax(logits[len(p_ids) + i - 1])[t]) for i, t in enumerate(c_ids)), 5)
            )
        cases.append(
            {
                "prompt": case["prompt"],
                "continuations": case["continuations"],
                "logprobs": scores,
                "f64_logprobs": exact,
            }
        )
    write_json(
        out_dir,
        "smollm2_scores.json",
        {
            "model": os.path.basename(gguf_path),
            "reference": "logprobs: llama.cpp via llama-cpp-python (f32 KV cache); f64_logprobs: "
            "float64 numpy forward pass on dequantised weights (scripts/make_references.py)",
            "cases": cases,
        },
    )


def write_json(out_dir, name, obj):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minilm-dir", required=True)
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", choices=["minilm", "tokenizer", "generation"], default=None)
    args = ap.parse_args()
    if args.only in (None, "minilm"):
        make_minilm(args.minilm_dir, args.out)
    if args.only in (None, "tokenizer"):
        make_tokenizer(args.gguf, args.out)
    if args.only in (None, "generation"):
        make_generation(args.gguf, args.out)


if __name__ == "__main__":
    main()
