"""Reference fixtures for `vadapter weights import` and `vadapter model run` (test/fixtures/weights/).

Builds tiny random-initialised models with Hugging Face transformers, saves them as HF does
(config.json + safetensors, one of them sharded in float16), and writes the inputs and the reference
outputs beside them. Needs a virtual environment with torch, transformers and safetensors; vadapter
itself never does: the fixtures are committed, so CI runs without Python.

    python3 -m venv /tmp/pyenv && /tmp/pyenv/bin/pip install torch transformers safetensors
    /tmp/pyenv/bin/python scripts/make-weight-fixtures.py
"""
import os

import torch
from safetensors.torch import save_file
import json

from transformers import (CLIPConfig, CLIPModel, CLIPVisionConfig, CLIPVisionModel, GPT2Config, GPT2LMHeadModel,
                          LlamaConfig, LlamaForCausalLM, SiglipVisionConfig, SiglipVisionModel)

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "weights")


def randomise(model, seed):
    """Weights far from their init (norm scales away from 1), so that a wrong mapping shows."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.3 if p.dim() > 1 else 0.2) + (1.0 if p.dim() == 1 else 0.0))


IDS = torch.tensor([[1, 5, 9, 60, 2, 33, 17], [4, 4, 0, 12, 59, 8, 30]], dtype=torch.int64)


def save_reference(cls, path):
    """The reference: the saved files loaded back in float32 (float16/bfloat16 weights widen exactly)."""
    reloaded = cls.from_pretrained(path, dtype=torch.float32).eval()
    with torch.no_grad():
        logits = reloaded(input_ids=IDS).logits
    save_file({"input_ids": IDS, "logits": logits.contiguous()}, os.path.join(path, "reference.safetensors"))


def gpt2(name, dtype, inner):
    config = GPT2Config(vocab_size=61, n_embd=48, n_layer=3, n_head=4, n_positions=16, n_inner=inner,
                        layer_norm_epsilon=1e-5, activation_function="gelu_new", bos_token_id=1, eos_token_id=2)
    model = GPT2LMHeadModel(config).eval()
    randomise(model, seed=9)
    path = os.path.join(OUT, name)
    model.to(dtype).save_pretrained(path)
    save_reference(GPT2LMHeadModel, path)


TOWER = dict(hidden_size=48, intermediate_size=80, num_hidden_layers=3, num_attention_heads=4, image_size=32, patch_size=8)


def save_tower_reference(cls, path):
    """pixel_values as HF's processor would give them (already normalised) -> last_hidden_state, in float32."""
    pixels = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    reloaded = cls.from_pretrained(path, dtype=torch.float32).eval()
    with torch.no_grad():
        out = reloaded(pixel_values=pixels) if cls is not CLIPModel else reloaded.vision_model(pixel_values=pixels)
    save_file({"pixel_values": pixels, "last_hidden_state": out.last_hidden_state.contiguous()}, os.path.join(path, "reference.safetensors"))


def vision(name, cls, config, dtype, preprocessor=None):
    model = cls(config).eval()
    randomise(model, seed=11)
    path = os.path.join(OUT, name)
    model.to(dtype).save_pretrained(path)
    if preprocessor:
        with open(os.path.join(path, "preprocessor_config.json"), "w") as f:
            json.dump(preprocessor, f, indent=2)
    save_tower_reference(cls, path)


# Words of the synthetic world and the paper's prompts (src/data/synth/world.ts), for a tokenizer
# that the imported LLM fixture brings along.
WORDS = ("a an the red green blue yellow purple orange white pink circle square triangle diamond star circles squares "
         "triangles diamonds stars small large two three four top bottom left right center corner middle upper lower "
         "in on at of and is are there moves moving to from up down past background black gray image video shows "
         "this describe following answer question given images exactly one word yes no what color shape which "
         "direction where how many").split()
PROMPTS = ["Describe the following : a small red circle in the center", "Answer the question given the images. Given . Question : ? Answer:",
           "Answer in exactly one word: left"]


def bpe_tokenizer(path, vocab_size):
    """A byte-level BPE tokenizer (GPT-2's kind) trained on sentences of the synthetic world's words."""
    from tokenizers import ByteLevelBPETokenizer
    g = torch.Generator().manual_seed(5)
    sentences = [" ".join(WORDS[i] for i in torch.randint(len(WORDS), (8,), generator=g).tolist()) for _ in range(400)] + PROMPTS
    tok = ByteLevelBPETokenizer()
    tok.train_from_iterator(sentences, vocab_size=vocab_size, min_frequency=2, special_tokens=["<|endoftext|>"])
    tok.save(os.path.join(path, "tokenizer.json"))
    with open(os.path.join(path, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>"}, f, indent=2)
    return tok


def gpt2_with_tokenizer(name):
    """A GPT-2 whose tokenizer.json comes along: reference ids of a caption beside the logits."""
    path = os.path.join(OUT, name)
    os.makedirs(path, exist_ok=True)
    tok = bpe_tokenizer(path, vocab_size=520)
    config = GPT2Config(vocab_size=tok.get_vocab_size(), n_embd=32, n_layer=2, n_head=2, n_positions=128,
                        bos_token_id=0, eos_token_id=0)
    model = GPT2LMHeadModel(config).eval()
    randomise(model, seed=12)
    model.save_pretrained(path)
    text = "a small red circle in the top left corner on a gray background"
    ids = torch.tensor([tok.encode(text).ids], dtype=torch.int64)
    with torch.no_grad():
        logits = GPT2LMHeadModel.from_pretrained(path, dtype=torch.float32).eval()(input_ids=ids).logits
    save_file({"input_ids": ids, "logits": logits.contiguous()}, os.path.join(path, "reference.safetensors"))
    with open(os.path.join(path, "reference-text.json"), "w") as f:
        json.dump({"text": text, "ids": ids[0].tolist()}, f)


def llama(name, tied, dtype, shard):
    config = LlamaConfig(vocab_size=61, hidden_size=48, intermediate_size=72, num_hidden_layers=3, num_attention_heads=6,
                         num_key_value_heads=2, rope_theta=500.0, rms_norm_eps=1e-5, tie_word_embeddings=tied,
                         max_position_embeddings=64)
    model = LlamaForCausalLM(config).eval()
    randomise(model, seed=7 if tied else 8)
    model = model.to(dtype)
    path = os.path.join(OUT, name)
    model.save_pretrained(path, max_shard_size=shard)
    # Reloaded, RoPE's frequencies are computed afresh, not the float16-rounded buffer of the model above.
    save_reference(LlamaForCausalLM, path)


if __name__ == "__main__":
    torch.manual_seed(0)
    llama("llama-untied", tied=False, dtype=torch.float32, shard="5GB")
    llama("llama-tied-f16-sharded", tied=True, dtype=torch.float16, shard="60KB")
    gpt2("gpt2", dtype=torch.float32, inner=None)
    gpt2("gpt2-bf16", dtype=torch.bfloat16, inner=80)
    vision("clip-vision", CLIPVisionModel, CLIPVisionConfig(**TOWER, hidden_act="quick_gelu", layer_norm_eps=1e-5), torch.float32,
           preprocessor={"image_mean": [0.4, 0.5, 0.6], "image_std": [0.2, 0.25, 0.3], "size": {"shortest_edge": 32}})
    vision("clip-two-tower-f16", CLIPModel, CLIPConfig(vision_config=dict(TOWER, hidden_act="gelu"), text_config=dict(
        vocab_size=61, hidden_size=32, intermediate_size=48, num_hidden_layers=1, num_attention_heads=2, max_position_embeddings=16),
        projection_dim=24), torch.float16)
    gpt2_with_tokenizer("gpt2-bpe")
    vision("siglip-vision-bf16", SiglipVisionModel, SiglipVisionConfig(**TOWER, layer_norm_eps=1e-6), torch.bfloat16)
    for root, _, files in os.walk(OUT):
        for f in sorted(files):
            print(os.path.relpath(os.path.join(root, f), OUT), os.path.getsize(os.path.join(root, f)))
