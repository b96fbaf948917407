#!/usr/bin/python3
"""
Writes tiny random-weight ONNX models with the same architectures, file names, inputs and outputs as the real
transformers.js exports, so Glimpse's `local` provider can be tested end to end without a model hub:

  <out>/tiny/vit-gpt2     Xenova/vit-gpt2-image-captioning layout (vision-encoder-decoder: ViT + GPT-2)
  <out>/tiny/florence-2   onnx-community/Florence-2-base-ft layout (florence2: vision encoder + BART-style text model)
  <out>/tiny/clip         Xenova/clip-vit-base-patch32 layout (text_model, vision_model and the joint model)
  <out>/tiny/minilm       Xenova/all-MiniLM-L6-v2 layout (BERT encoder)
  <out>/tiny/siglip       Xenova/siglip-base-patch16-224 layout (text_model and vision_model, pooler_output)

Usage: /usr/bin/python3 scripts/make-tiny-models.py [out-dir]   (default test-support/models)
Needs Debian's python3-onnx and python3-numpy; no torch. Weights come from a fixed seed, so output is reproducible.
Opset 14; layer norm and GELU are written out by hand because LayerNormalization only arrived in opset 17.
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 14
FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
BOOL = TensorProto.BOOL

# Words given their own BPE tokens and a small logit bonus, so random-weight captions read like word salad
# rather than stray bytes (and are never empty).
WORDS = [
    'a', 'the', 'cat', 'dog', 'man', 'woman', 'person', 'tree', 'sky', 'grass', 'car', 'road', 'house', 'table',
    'plate', 'food', 'water', 'boat', 'bird', 'horse', 'flower', 'red', 'blue', 'green', 'white', 'black', 'small',
    'large', 'sitting', 'standing', 'on', 'in', 'with', 'of', 'next', 'to', 'photo', 'picture', 'text', 'sign',
]


class Graph:
    """A small helper over onnx.helper: named weights shared between graphs through `store`."""

    def __init__(self, store, rng):
        self.store = store
        self.rng = rng
        self.nodes = []
        self.initializers = {}
        self.inputs = []
        self.outputs = []
        self.count = 0

    def name(self, prefix='t'):
        self.count += 1
        return f'{prefix}_{self.count}'

    def param(self, key, shape, scale=0.2, fill=None):
        """A weight by name: the same key gives the same values in every graph built from one store."""
        if key not in self.store:
            if fill is not None:
                self.store[key] = np.full(shape, fill, dtype=np.float32)
            else:
                self.store[key] = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        if key not in self.initializers:
            self.initializers[key] = numpy_helper.from_array(self.store[key], key)
        return key

    def const(self, values, dtype=np.int64):
        key = self.name('const')
        self.initializers[key] = numpy_helper.from_array(np.array(values, dtype=dtype), key)
        return key

    def op(self, op_type, inputs, outputs=1, **attributes):
        names = [self.name(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, **attributes))
        return names[0] if outputs == 1 else names

    def input(self, name, elem_type, shape):
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def output(self, value, name, elem_type, shape):
        self.nodes.append(helper.make_node('Identity', [value], [name]))
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, shape))

    def save(self, path, graph_name):
        graph = helper.make_graph(self.nodes, graph_name, self.inputs, self.outputs, list(self.initializers.values()))
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='glimpse-tiny')
        model.ir_version = 8
        onnx.checker.check_model(model)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        onnx.save(model, path)

    # Layers ---------------------------------------------------------------------------------------------------

    def linear(self, x, key, d_in, d_out):
        y = self.op('MatMul', [x, self.param(f'{key}.weight', (d_in, d_out))])
        return self.op('Add', [y, self.param(f'{key}.bias', (d_out,), scale=0.02)])

    def layer_norm(self, x, key, d):
        mean = self.op('ReduceMean', [x], axes=[-1], keepdims=1)
        centred = self.op('Sub', [x, mean])
        variance = self.op('ReduceMean', [self.op('Mul', [centred, centred])], axes=[-1], keepdims=1)
        std = self.op('Sqrt', [self.op('Add', [variance, self.const(1e-5, np.float32)])])
        normed = self.op('Div', [centred, std])
        scaled = self.op('Mul', [normed, self.param(f'{key}.gamma', (d,), fill=1.0)])
        return self.op('Add', [scaled, self.param(f'{key}.beta', (d,), fill=0.0)])

    def gelu(self, x):
        erf = self.op('Erf', [self.op('Div', [x, self.const(np.sqrt(2.0), np.float32)])])
        half = self.op('Mul', [x, self.const(0.5, np.float32)])
        return self.op('Mul', [half, self.op('Add', [erf, self.const(1.0, np.float32)])])

    def mlp(self, x, key, d):
        hidden = self.gelu(self.linear(x, f'{key}.fc1', d, 2 * d))
        return self.linear(hidden, f'{key}.fc2', 2 * d, d)

    def split_heads(self, x, heads, head_dim):
        """[B, T, d] → [B, heads, T, head_dim]"""
        reshaped = self.op('Reshape', [x, self.const([0, 0, heads, head_dim])])
        return self.op('Transpose', [reshaped], perm=[0, 2, 1, 3])

    def merge_heads(self, x, d):
        transposed = self.op('Transpose', [x], perm=[0, 2, 1, 3])
        return self.op('Reshape', [transposed, self.const([0, 0, d])])

    def attend(self, q, k, v, head_dim, mask=None):
        scores = self.op('MatMul', [q, self.op('Transpose', [k], perm=[0, 1, 3, 2])])
        scores = self.op('Mul', [scores, self.const(1.0 / np.sqrt(head_dim), np.float32)])
        if mask is not None:
            scores = self.op('Add', [scores, mask])
        return self.op('MatMul', [self.op('Softmax', [scores], axis=-1), v])

    def self_attention(self, x, key, d, heads, mask=None, past=None):
        """Returns (output, keys, values); with `past` (key, value) the new keys are appended to the cached ones."""
        head_dim = d // heads
        q = self.split_heads(self.linear(x, f'{key}.q', d, d), heads, head_dim)
        k = self.split_heads(self.linear(x, f'{key}.k', d, d), heads, head_dim)
        v = self.split_heads(self.linear(x, f'{key}.v', d, d), heads, head_dim)
        if past is not None:
            # The first step gets zero-length past tensors, so a plain Concat serves both branches.
            k = self.op('Concat', [past[0], k], axis=2)
            v = self.op('Concat', [past[1], v], axis=2)
        attended = self.merge_heads(self.attend(q, k, v, head_dim, mask), d)
        return self.linear(attended, f'{key}.out', d, d), k, v

    def cross_keys(self, encoder_states, key, d, heads):
        head_dim = d // heads
        k = self.split_heads(self.linear(encoder_states, f'{key}.k', d, d), heads, head_dim)
        v = self.split_heads(self.linear(encoder_states, f'{key}.v', d, d), heads, head_dim)
        return k, v

    def cross_attention(self, x, key, d, heads, k, v, mask=None):
        head_dim = d // heads
        q = self.split_heads(self.linear(x, f'{key}.q', d, d), heads, head_dim)
        attended = self.merge_heads(self.attend(q, k, v, head_dim, mask), d)
        return self.linear(attended, f'{key}.out', d, d)

    def encoder_block(self, x, key, d, heads, mask=None):
        attended, _, _ = self.self_attention(self.layer_norm(x, f'{key}.ln1', d), f'{key}.attn', d, heads, mask)
        x = self.op('Add', [x, attended])
        return self.op('Add', [x, self.mlp(self.layer_norm(x, f'{key}.ln2', d), f'{key}.mlp', d)])

    def padding_mask(self, attention_mask):
        """[B, L] of 0/1 → additive [B, 1, 1, L]: 0 where attended, -1e4 where padded."""
        as_float = self.op('Cast', [attention_mask], to=FLOAT)
        inverted = self.op('Sub', [self.const(1.0, np.float32), as_float])
        additive = self.op('Mul', [inverted, self.const(-1e4, np.float32)])
        return self.op('Unsqueeze', [additive, self.const([1, 2])])

    def dim(self, x, axis):
        """A scalar int64 holding one dimension of x."""
        return self.op('Gather', [self.op('Shape', [x]), self.const(axis)], axis=0)

    def positions(self, start, length):
        return self.op('Range', [start, self.op('Add', [start, length]), self.const(1)])

    def causal_mask(self, past_length, new_length):
        """Additive [new, past+new]: query i (at position past+i) may not see keys after it."""
        total = self.op('Add', [past_length, new_length])
        query_positions = self.op('Unsqueeze', [self.positions(past_length, new_length), self.const([1])])
        key_positions = self.op('Unsqueeze', [self.op('Range', [self.const(0), total, self.const(1)]), self.const([0])])
        future = self.op('Greater', [key_positions, query_positions])
        return self.op('Where', [future, self.const(-1e4, np.float32), self.const(0.0, np.float32)])

    def patch_embed(self, pixel_values, key, d, image_size, patch):
        """ViT-style patches: [B, 3, S, S] → [B, (S/patch)², d] with learned positions."""
        conv = self.op('Conv', [pixel_values, self.param(f'{key}.patch.weight', (d, 3, patch, patch)),
                                self.param(f'{key}.patch.bias', (d,), scale=0.02)], strides=[patch, patch])
        flat = self.op('Reshape', [conv, self.const([0, d, -1])])
        tokens = self.op('Transpose', [flat], perm=[0, 2, 1])
        count = (image_size // patch) ** 2
        return self.op('Add', [tokens, self.param(f'{key}.positions', (count, d))])


def logit_bias(vocab_size, special_ids, word_ids):
    """Random weights would often emit end-of-text first; push specials down and words up so output is never empty."""
    bias = np.zeros(vocab_size, dtype=np.float32)
    bias[list(word_ids)] = 3.0
    bias[list(special_ids)] = -30.0
    return bias


# Tokenizers ---------------------------------------------------------------------------------------------------

def bytes_to_unicode():
    """GPT-2's reversible byte → printable character map, used by every byte-level BPE tokenizer."""
    printable = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {byte: chr(char) for byte, char in zip(printable, chars)}


def byte_level_vocab(leading_specials, trailing_specials, suffix=''):
    """Vocabulary and merges: specials, the 256 byte symbols, then one token per word in WORDS (with and without
    the leading-space marker Ġ), built by merging left to right so the BPE model can reach them."""
    vocab = {}
    for token in leading_specials:
        vocab[token] = len(vocab)
    symbols = list(bytes_to_unicode().values())
    for symbol in symbols:
        vocab[symbol] = len(vocab)
    if suffix:
        for symbol in symbols:
            vocab[symbol + suffix] = len(vocab)
    merges = []
    word_ids = []
    for word in WORDS:
        for spelled in ([word, 'Ġ' + word] if not suffix else [word]):
            pieces = list(spelled)
            if suffix:
                pieces[-1] += suffix
            current = pieces[0]
            for piece in pieces[1:]:
                merged = current + piece
                if f'{current} {piece}' not in merges:
                    merges.append(f'{current} {piece}')
                if merged not in vocab:
                    vocab[merged] = len(vocab)
                current = merged
            word_ids.append(vocab[current])
    for token in trailing_specials:
        vocab[token] = len(vocab)
    return vocab, merges, word_ids


def added_token(token_id, content, special=True):
    return {'id': token_id, 'content': content, 'single_word': False, 'lstrip': False, 'rstrip': False,
            'normalized': False, 'special': special}


def bpe_model(vocab, merges, unk=None, suffix=''):
    return {'type': 'BPE', 'dropout': None, 'unk_token': unk, 'continuing_subword_prefix': '',
            'end_of_word_suffix': suffix, 'fuse_unk': False, 'byte_fallback': False, 'vocab': vocab, 'merges': merges}


def byte_level(add_prefix_space=False):
    return {'type': 'ByteLevel', 'add_prefix_space': add_prefix_space, 'trim_offsets': True, 'use_regex': True}


def gpt2_tokenizer():
    vocab, merges, word_ids = byte_level_vocab([], ['<|endoftext|>'])
    end = vocab['<|endoftext|>']
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [added_token(end, '<|endoftext|>')],
        'normalizer': None, 'pre_tokenizer': byte_level(), 'post_processor': byte_level(True),
        'decoder': byte_level(True), 'model': bpe_model(vocab, merges),
    }
    config = {'tokenizer_class': 'GPT2Tokenizer', 'model_max_length': 1024, 'add_prefix_space': False,
              'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>', 'unk_token': '<|endoftext|>',
              'pad_token': '<|endoftext|>'}
    return tokenizer, config, len(vocab), end, word_ids


FLORENCE_LOCATIONS = 1000


def bart_tokenizer():
    """BART-style byte-level BPE as Florence-2 ships it, with the 1000 <loc_N> tokens its box outputs use."""
    vocab, merges, word_ids = byte_level_vocab(['<s>', '<pad>', '</s>', '<unk>'], [])
    locations = [f'<loc_{i}>' for i in range(FLORENCE_LOCATIONS)]
    added = [added_token(vocab[t], t) for t in ['<s>', '<pad>', '</s>', '<unk>']]
    for token in locations:
        vocab[token] = len(vocab)
        added.append(added_token(vocab[token], token))
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
        'normalizer': None, 'pre_tokenizer': byte_level(),
        'post_processor': {'type': 'RobertaProcessing', 'sep': ['</s>', 2], 'cls': ['<s>', 0],
                           'trim_offsets': True, 'add_prefix_space': False},
        'decoder': byte_level(), 'model': bpe_model(vocab, merges),
    }
    config = {'tokenizer_class': 'BartTokenizer', 'model_max_length': 1024, 'add_prefix_space': False,
              'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>', 'pad_token': '<pad>',
              'sep_token': '</s>', 'cls_token': '<s>', 'mask_token': '<mask>'}
    return tokenizer, config, len(vocab), word_ids


def clip_tokenizer():
    """CLIP's BPE: lower-cased, byte-level, words end in </w>; <|startoftext|> … <|endoftext|> around each text."""
    vocab, merges, word_ids = byte_level_vocab([], ['<|startoftext|>', '<|endoftext|>'], suffix='</w>')
    start, end = vocab['<|startoftext|>'], vocab['<|endoftext|>']
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [added_token(start, '<|startoftext|>'), added_token(end, '<|endoftext|>')],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFC'}, {'type': 'Replace', 'pattern': {'Regex': '\\s+'}, 'content': ' '}, {'type': 'Lowercase'}]},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             'behavior': 'Removed', 'invert': True},
            byte_level()]},
        'post_processor': {'type': 'RobertaProcessing', 'sep': ['<|endoftext|>', end], 'cls': ['<|startoftext|>', start],
                           'trim_offsets': False, 'add_prefix_space': False},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': bpe_model(vocab, merges, unk='<|endoftext|>', suffix='</w>'),
    }
    config = {'tokenizer_class': 'CLIPTokenizer', 'model_max_length': 77, 'do_lower_case': True,
              'bos_token': '<|startoftext|>', 'eos_token': '<|endoftext|>', 'unk_token': '<|endoftext|>',
              'pad_token': '<|endoftext|>'}
    return tokenizer, config, len(vocab)


def bert_tokenizer():
    specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    pieces = list('abcdefghijklmnopqrstuvwxyz0123456789.,!?-\'')
    vocab = {}
    for token in specials + pieces + ['##' + p for p in pieces] + WORDS + ['##s', '##ing', '##ed']:
        vocab.setdefault(token, len(vocab))
    template = lambda *parts: parts
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [added_token(vocab[t], t) for t in specials],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [vocab[t]], 'tokens': [t]} for t in ['[CLS]', '[SEP]']},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': vocab},
    }
    del template
    config = {'tokenizer_class': 'BertTokenizer', 'model_max_length': 128, 'do_lower_case': True,
              'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'cls_token': '[CLS]',
              'mask_token': '[MASK]'}
    return tokenizer, config, len(vocab)


def siglip_tokenizer(max_length):
    """SigLIP's SentencePiece (Unigram) tokenizer: ▁-prefixed pieces, </s> after each text, padded to max_length."""
    pieces = [['<pad>', 0.0], ['</s>', 0.0], ['<unk>', 0.0], ['▁', -2.0]]
    pieces += [[char, -5.0] for char in 'abcdefghijklmnopqrstuvwxyz0123456789.,!?-\'']
    pieces += [['▁' + word, -1.0] for word in WORDS]
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [added_token(i, t) for i, t in enumerate(['<pad>', '</s>', '<unk>'])],
        'normalizer': {'type': 'Sequence', 'normalizers': [{'type': 'Lowercase'}]},
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 0}},
                     {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'special_tokens': {'</s>': {'id': '</s>', 'ids': [1], 'tokens': ['</s>']}},
        },
        'decoder': {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': 2, 'vocab': pieces, 'byte_fallback': False},
    }
    config = {'tokenizer_class': 'SiglipTokenizer', 'model_max_length': max_length, 'do_lower_case': True,
              'eos_token': '</s>', 'pad_token': '</s>', 'unk_token': '<unk>'}
    return tokenizer, config, len(pieces)


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as file:
        json.dump(value, file, ensure_ascii=False, indent=1)


# Models -------------------------------------------------------------------------------------------------------

def make_vit_gpt2(folder):
    d, heads, image_size, patch, positions = 32, 2, 32, 8, 64
    tokenizer, tokenizer_config, vocab_size, end, word_ids = gpt2_tokenizer()
    store, rng = {}, np.random.default_rng(7)
    batch, seq, past_len, enc_len = 'batch_size', 'decoder_sequence_length', 'past_decoder_sequence_length', 'encoder_sequence_length'

    g = Graph(store, rng)
    pixels = g.input('pixel_values', FLOAT, [batch, 3, image_size, image_size])
    x = g.patch_embed(pixels, 'vit', d, image_size, patch)
    x = g.encoder_block(x, 'vit.layer0', d, heads)
    g.output(g.layer_norm(x, 'vit.ln', d), 'last_hidden_state', FLOAT, [batch, (image_size // patch) ** 2, d])
    g.save(f'{folder}/onnx/encoder_model.onnx', 'vit_encoder')

    # GPT-2 decoder with cross-attention; only the merged decoder is ever loaded.
    g = Graph(store, rng)
    ids = g.input('input_ids', INT64, [batch, seq])
    encoder_states = g.input('encoder_hidden_states', FLOAT, [batch, enc_len, d])
    past_key = g.input('past_key_values.0.key', FLOAT, [batch, heads, past_len, d // heads])
    past_value = g.input('past_key_values.0.value', FLOAT, [batch, heads, past_len, d // heads])
    past_length, new_length = g.dim(past_key, 2), g.dim(ids, 1)
    embedded = g.op('Gather', [g.param('gpt2.wte', (vocab_size, d)), ids], axis=0)
    position_vectors = g.op('Gather', [g.param('gpt2.wpe', (positions, d)), g.positions(past_length, new_length)], axis=0)
    x = g.op('Add', [embedded, position_vectors])
    attended, key, value = g.self_attention(g.layer_norm(x, 'gpt2.ln1', d), 'gpt2.attn', d, heads,
                                            g.causal_mask(past_length, new_length), (past_key, past_value))
    x = g.op('Add', [x, attended])
    cross_k, cross_v = g.cross_keys(encoder_states, 'gpt2.cross', d, heads)
    x = g.op('Add', [x, g.cross_attention(g.layer_norm(x, 'gpt2.ln_cross', d), 'gpt2.cross', d, heads, cross_k, cross_v)])
    x = g.op('Add', [x, g.mlp(g.layer_norm(x, 'gpt2.ln2', d), 'gpt2.mlp', d)])
    x = g.layer_norm(x, 'gpt2.ln_f', d)
    logits = g.op('MatMul', [x, g.op('Transpose', [g.param('gpt2.wte', (vocab_size, d))], perm=[1, 0])])
    store['gpt2.logit_bias'] = logit_bias(vocab_size, [end], word_ids)
    logits = g.op('Add', [logits, g.param('gpt2.logit_bias', (vocab_size,))])
    g.output(logits, 'logits', FLOAT, [batch, seq, vocab_size])
    g.output(key, 'present.0.key', FLOAT, [batch, heads, 'total_sequence_length', d // heads])
    g.output(value, 'present.0.value', FLOAT, [batch, heads, 'total_sequence_length', d // heads])
    g.save(f'{folder}/onnx/decoder_model_merged.onnx', 'gpt2_decoder')

    write_json(f'{folder}/config.json', {
        'model_type': 'vision-encoder-decoder', 'architectures': ['VisionEncoderDecoderModel'],
        'is_encoder_decoder': True, 'decoder_start_token_id': end, 'pad_token_id': end, 'eos_token_id': end,
        'bos_token_id': end, 'tie_word_embeddings': True,
        'encoder': {'model_type': 'vit', 'hidden_size': d, 'image_size': image_size, 'patch_size': patch,
                    'num_hidden_layers': 1, 'num_attention_heads': heads, 'intermediate_size': 2 * d,
                    'num_channels': 3},
        'decoder': {'model_type': 'gpt2', 'n_embd': d, 'n_head': heads, 'n_layer': 1, 'n_positions': positions,
                    'n_ctx': positions, 'vocab_size': vocab_size, 'bos_token_id': end, 'eos_token_id': end,
                    'add_cross_attention': True, 'is_decoder': True, 'decoder_start_token_id': end},
        'transformers.js_config': {'note': 'tiny random-weight fixture written by scripts/make-tiny-models.py'},
    })
    write_json(f'{folder}/generation_config.json', {
        'bos_token_id': end, 'decoder_start_token_id': end, 'eos_token_id': end, 'pad_token_id': end})
    write_json(f'{folder}/preprocessor_config.json', {
        'feature_extractor_type': 'ViTFeatureExtractor', 'image_processor_type': 'ViTImageProcessor',
        'do_normalize': True, 'do_resize': True, 'do_rescale': True, 'resample': 2,
        'image_mean': [0.5, 0.5, 0.5], 'image_std': [0.5, 0.5, 0.5],
        'size': {'height': image_size, 'width': image_size}})
    write_json(f'{folder}/tokenizer.json', tokenizer)
    write_json(f'{folder}/tokenizer_config.json', tokenizer_config)


FLORENCE_TASKS = {
    'tasks_answer_post_processing_type': {
        '<OCR>': 'pure_text', '<OCR_WITH_REGION>': 'ocr', '<CAPTION>': 'pure_text',
        '<DETAILED_CAPTION>': 'pure_text', '<MORE_DETAILED_CAPTION>': 'pure_text', '<OD>': 'description_with_bboxes',
        '<DENSE_REGION_CAPTION>': 'description_with_bboxes', '<CAPTION_TO_PHRASE_GROUNDING>': 'phrase_grounding',
        '<REGION_PROPOSAL>': 'bboxes', '<REGION_TO_CATEGORY>': 'pure_text', '<REGION_TO_DESCRIPTION>': 'pure_text',
        '<REGION_TO_OCR>': 'pure_text'},
    'task_prompts_without_inputs': {
        '<OCR>': 'What is the text in the image?', '<OCR_WITH_REGION>': 'What is the text in the image, with regions?',
        '<CAPTION>': 'What does the image describe?',
        '<DETAILED_CAPTION>': 'Describe in detail what is shown in the image.',
        '<MORE_DETAILED_CAPTION>': 'Describe with a paragraph what is shown in the image.',
        '<OD>': 'Locate the objects with category name in the image.',
        '<DENSE_REGION_CAPTION>': 'Locate the objects in the image, with their descriptions.',
        '<REGION_PROPOSAL>': 'Locate the region proposals in the image.'},
    'task_prompts_with_input': {
        '<CAPTION_TO_PHRASE_GROUNDING>': 'Locate the phrases in the caption: {input}',
        '<REGION_TO_CATEGORY>': 'What is the region {input}?',
        '<REGION_TO_DESCRIPTION>': 'What does the region {input} describe?',
        '<REGION_TO_OCR>': 'What text is in the region {input}?'},
}


def make_florence2(folder):
    d, heads, image_size, patch, positions = 16, 2, 32, 8, 128
    head_dim = d // heads
    tokenizer, tokenizer_config, vocab_size, word_ids = bart_tokenizer()
    store, rng = {}, np.random.default_rng(11)
    batch = 'batch_size'

    g = Graph(store, rng)
    pixels = g.input('pixel_values', FLOAT, [batch, 3, image_size, image_size])
    x = g.patch_embed(pixels, 'vision', d, image_size, patch)
    x = g.encoder_block(x, 'vision.layer0', d, heads)
    features = g.linear(g.layer_norm(x, 'vision.ln', d), 'vision.projection', d, d)
    g.output(features, 'image_features', FLOAT, [batch, (image_size // patch) ** 2, d])
    g.save(f'{folder}/onnx/vision_encoder.onnx', 'florence2_vision')

    g = Graph(store, rng)
    ids = g.input('input_ids', INT64, [batch, 'sequence_length'])
    g.output(g.op('Gather', [g.param('text.embed', (vocab_size, d)), ids], axis=0), 'inputs_embeds', FLOAT,
             [batch, 'sequence_length', d])
    g.save(f'{folder}/onnx/embed_tokens.onnx', 'florence2_embed_tokens')

    g = Graph(store, rng)
    embeds = g.input('inputs_embeds', FLOAT, [batch, 'encoder_sequence_length', d])
    mask = g.input('attention_mask', INT64, [batch, 'encoder_sequence_length'])
    length = g.dim(embeds, 1)
    position_vectors = g.op('Gather', [g.param('encoder.positions', (positions, d)), g.positions(g.const(0), length)], axis=0)
    x = g.layer_norm(g.op('Add', [embeds, position_vectors]), 'encoder.ln_embed', d)
    x = g.encoder_block(x, 'encoder.layer0', d, heads, g.padding_mask(mask))
    g.output(g.layer_norm(x, 'encoder.ln', d), 'last_hidden_state', FLOAT, [batch, 'encoder_sequence_length', d])
    g.save(f'{folder}/onnx/encoder_model.onnx', 'florence2_encoder')

    # Merged decoder: `use_cache_branch` picks between computing cross-attention keys from the encoder output (first
    # step) and reusing the cached ones, as optimum's merged exports do.
    g = Graph(store, rng)
    encoder_mask = g.input('encoder_attention_mask', INT64, [batch, 'encoder_sequence_length'])
    encoder_states = g.input('encoder_hidden_states', FLOAT, [batch, 'encoder_sequence_length', d])
    embeds = g.input('inputs_embeds', FLOAT, [batch, 'decoder_sequence_length', d])
    past = {}
    for kind in ['decoder', 'encoder']:
        length_name = 'past_decoder_sequence_length' if kind == 'decoder' else 'encoder_sequence_length_out'
        for part in ['key', 'value']:
            past[(kind, part)] = g.input(f'past_key_values.0.{kind}.{part}', FLOAT, [batch, heads, length_name, head_dim])
    use_cache = g.input('use_cache_branch', BOOL, [1])

    past_length, new_length = g.dim(past[('decoder', 'key')], 2), g.dim(embeds, 1)
    position_vectors = g.op('Gather', [g.param('decoder.positions', (positions, d)), g.positions(past_length, new_length)], axis=0)
    x = g.layer_norm(g.op('Add', [embeds, position_vectors]), 'decoder.ln_embed', d)
    attended, key, value = g.self_attention(g.layer_norm(x, 'decoder.ln1', d), 'decoder.attn', d, heads,
                                            g.causal_mask(past_length, new_length),
                                            (past[('decoder', 'key')], past[('decoder', 'value')]))
    x = g.op('Add', [x, attended])

    computed = Graph(store, rng)
    computed.initializers = g.initializers  # weights live in the outer graph; branches read them from there
    computed.count = 10_000
    cross_k, cross_v = computed.cross_keys(encoder_states, 'decoder.cross', d, heads)
    computed.outputs = [helper.make_tensor_value_info(cross_k, FLOAT, None), helper.make_tensor_value_info(cross_v, FLOAT, None)]
    cached_k, cached_v = 'cached_cross_key', 'cached_cross_value'
    reuse_nodes = [helper.make_node('Identity', [past[('encoder', 'key')]], [cached_k]),
                   helper.make_node('Identity', [past[('encoder', 'value')]], [cached_v])]
    reuse = helper.make_graph(reuse_nodes, 'reuse_cross_keys', [], [
        helper.make_tensor_value_info(cached_k, FLOAT, None), helper.make_tensor_value_info(cached_v, FLOAT, None)])
    compute = helper.make_graph(computed.nodes, 'compute_cross_keys', [], computed.outputs)
    cross_key, cross_value = g.op('If', [use_cache], outputs=2, then_branch=reuse, else_branch=compute)

    x = g.op('Add', [x, g.cross_attention(g.layer_norm(x, 'decoder.ln_cross', d), 'decoder.cross', d, heads,
                                          cross_key, cross_value, g.padding_mask(encoder_mask))])
    x = g.op('Add', [x, g.mlp(g.layer_norm(x, 'decoder.ln2', d), 'decoder.mlp', d)])
    x = g.layer_norm(x, 'decoder.ln_f', d)
    logits = g.op('MatMul', [x, g.op('Transpose', [g.param('text.embed', (vocab_size, d))], perm=[1, 0])])
    store['decoder.logit_bias'] = logit_bias(vocab_size, [0, 1, 2, 3], word_ids)
    logits = g.op('Add', [logits, g.param('decoder.logit_bias', (vocab_size,))])
    g.output(logits, 'logits', FLOAT, [batch, 'decoder_sequence_length', vocab_size])
    g.output(key, 'present.0.decoder.key', FLOAT, [batch, heads, 'total_decoder_sequence_length', head_dim])
    g.output(value, 'present.0.decoder.value', FLOAT, [batch, heads, 'total_decoder_sequence_length', head_dim])
    g.output(cross_key, 'present.0.encoder.key', FLOAT, [batch, heads, 'encoder_sequence_length_out', head_dim])
    g.output(cross_value, 'present.0.encoder.value', FLOAT, [batch, heads, 'encoder_sequence_length_out', head_dim])
    g.save(f'{folder}/onnx/decoder_model_merged.onnx', 'florence2_decoder')

    text_config = {
        'model_type': 'florence2_language', 'd_model': d, 'vocab_size': vocab_size, 'max_position_embeddings': positions,
        'encoder_layers': 1, 'decoder_layers': 1, 'encoder_attention_heads': heads, 'decoder_attention_heads': heads,
        'encoder_ffn_dim': 2 * d, 'decoder_ffn_dim': 2 * d, 'is_encoder_decoder': True,
        'bos_token_id': 0, 'pad_token_id': 1, 'eos_token_id': 2, 'decoder_start_token_id': 2,
        'forced_bos_token_id': 0, 'forced_eos_token_id': 2}
    write_json(f'{folder}/config.json', {
        'model_type': 'florence2', 'architectures': ['Florence2ForConditionalGeneration'], 'is_encoder_decoder': True,
        'vocab_size': vocab_size, 'projection_dim': d, 'bos_token_id': 0, 'pad_token_id': 1, 'eos_token_id': 2,
        'text_config': text_config,
        'vision_config': {'model_type': 'davit', 'patch_size': [patch], 'dim_embed': [d], 'num_heads': [heads],
                          'depths': [1], 'projection_dim': d},
    })
    write_json(f'{folder}/generation_config.json', {
        'bos_token_id': 0, 'decoder_start_token_id': 2, 'eos_token_id': 2, 'forced_bos_token_id': 0,
        'forced_eos_token_id': 2, 'no_repeat_ngram_size': 3, 'num_beams': 3, 'pad_token_id': 1})
    write_json(f'{folder}/preprocessor_config.json', {
        'processor_class': 'Florence2Processor', 'image_processor_type': 'CLIPImageProcessor',
        'do_resize': True, 'do_center_crop': False, 'do_rescale': True, 'do_normalize': True, 'do_convert_rgb': None,
        'resample': 3, 'rescale_factor': 1 / 255, 'image_seq_length': (image_size // patch) ** 2,
        'image_mean': [0.485, 0.456, 0.406], 'image_std': [0.229, 0.224, 0.225],
        'size': {'height': image_size, 'width': image_size},
        'crop_size': {'height': image_size, 'width': image_size}, **FLORENCE_TASKS})
    write_json(f'{folder}/tokenizer.json', tokenizer)
    write_json(f'{folder}/tokenizer_config.json', tokenizer_config)


def clip_text_tower(g, d, heads, vocab_size, positions, projection):
    ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length'])
    mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length'])
    length = g.dim(ids, 1)
    x = g.op('Add', [g.op('Gather', [g.param('text.embed', (vocab_size, d)), ids], axis=0),
                     g.op('Gather', [g.param('text.positions', (positions, d)), g.positions(g.const(0), length)], axis=0)])
    attention = g.op('Add', [g.causal_mask(g.const(0), length), g.padding_mask(mask)])
    hidden = g.layer_norm(g.encoder_block(x, 'text.layer0', d, heads, attention), 'text.ln', d)
    # CLIP pools the hidden state at the end-of-text token, which has the highest id in its vocabulary.
    end_positions = g.op('ArgMax', [ids], axis=1, keepdims=0)
    batch_index = g.op('Range', [g.const(0), g.dim(ids, 0), g.const(1)])
    index = g.op('Concat', [g.op('Unsqueeze', [batch_index, g.const([1])]), g.op('Unsqueeze', [end_positions, g.const([1])])], axis=1)
    pooled = g.op('GatherND', [hidden, index])
    embeds = g.op('MatMul', [pooled, g.param('text.projection', (d, projection))])
    return hidden, embeds


def clip_vision_tower(g, d, heads, image_size, patch, projection):
    pixels = g.input('pixel_values', FLOAT, ['batch_size', 3, image_size, image_size])
    x = g.layer_norm(g.patch_embed(pixels, 'vision', d, image_size, patch), 'vision.ln_pre', d)
    hidden = g.layer_norm(g.encoder_block(x, 'vision.layer0', d, heads), 'vision.ln_post', d)
    pooled = g.op('ReduceMean', [hidden], axes=[1], keepdims=0)
    embeds = g.op('MatMul', [pooled, g.param('vision.projection', (d, projection))])
    return hidden, embeds


def l2_normalise(g, x):
    norm = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), g.const([-1])], keepdims=1)])
    return g.op('Div', [x, norm])


def make_clip(folder):
    d, heads, image_size, patch, positions, projection = 32, 2, 32, 8, 77, 24
    tokenizer, tokenizer_config, vocab_size = clip_tokenizer()
    store, rng = {}, np.random.default_rng(13)
    tokens = (image_size // patch) ** 2

    g = Graph(store, rng)
    hidden, embeds = clip_text_tower(g, d, heads, vocab_size, positions, projection)
    g.output(embeds, 'text_embeds', FLOAT, ['batch_size', projection])
    g.output(hidden, 'last_hidden_state', FLOAT, ['batch_size', 'sequence_length', d])
    g.save(f'{folder}/onnx/text_model.onnx', 'clip_text')

    g = Graph(store, rng)
    hidden, embeds = clip_vision_tower(g, d, heads, image_size, patch, projection)
    g.output(embeds, 'image_embeds', FLOAT, ['batch_size', projection])
    g.output(hidden, 'last_hidden_state', FLOAT, ['batch_size', tokens, d])
    g.save(f'{folder}/onnx/vision_model.onnx', 'clip_vision')

    g = Graph(store, rng)
    text_hidden, text_embeds = clip_text_tower(g, d, heads, vocab_size, positions, projection)
    _, image_embeds = clip_vision_tower(g, d, heads, image_size, patch, projection)
    text_unit, image_unit = l2_normalise(g, text_embeds), l2_normalise(g, image_embeds)
    scale = g.op('Exp', [g.param('logit_scale', (), fill=np.log(1 / 0.07))])
    per_image = g.op('Mul', [g.op('MatMul', [image_unit, g.op('Transpose', [text_unit], perm=[1, 0])]), scale])
    g.output(per_image, 'logits_per_image', FLOAT, ['image_batch_size', 'text_batch_size'])
    g.output(g.op('Transpose', [per_image], perm=[1, 0]), 'logits_per_text', FLOAT, ['text_batch_size', 'image_batch_size'])
    g.output(text_unit, 'text_embeds', FLOAT, ['text_batch_size', projection])
    g.output(image_unit, 'image_embeds', FLOAT, ['image_batch_size', projection])
    g.save(f'{folder}/onnx/model.onnx', 'clip')

    write_json(f'{folder}/config.json', {
        'model_type': 'clip', 'architectures': ['CLIPModel'], 'projection_dim': projection, 'logit_scale_init_value': 2.6592,
        'text_config': {'model_type': 'clip_text_model', 'hidden_size': d, 'num_attention_heads': heads,
                        'num_hidden_layers': 1, 'vocab_size': vocab_size, 'max_position_embeddings': positions,
                        'projection_dim': projection},
        'vision_config': {'model_type': 'clip_vision_model', 'hidden_size': d, 'num_attention_heads': heads,
                          'num_hidden_layers': 1, 'image_size': image_size, 'patch_size': patch,
                          'projection_dim': projection},
    })
    write_json(f'{folder}/preprocessor_config.json', {
        'feature_extractor_type': 'CLIPFeatureExtractor', 'image_processor_type': 'CLIPImageProcessor',
        'do_resize': True, 'do_center_crop': True, 'do_normalize': True, 'do_rescale': True, 'resample': 3,
        'image_mean': [0.48145466, 0.4578275, 0.40821073], 'image_std': [0.26862954, 0.26130258, 0.27577711],
        'size': {'shortest_edge': image_size}, 'crop_size': {'height': image_size, 'width': image_size}})
    write_json(f'{folder}/tokenizer.json', tokenizer)
    write_json(f'{folder}/tokenizer_config.json', tokenizer_config)


def make_minilm(folder):
    d, heads, positions = 32, 2, 128
    tokenizer, tokenizer_config, vocab_size = bert_tokenizer()
    store, rng = {}, np.random.default_rng(17)
    g = Graph(store, rng)
    ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length'])
    mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length'])
    types = g.input('token_type_ids', INT64, ['batch_size', 'sequence_length'])
    length = g.dim(ids, 1)
    x = g.op('Add', [g.op('Gather', [g.param('bert.word', (vocab_size, d)), ids], axis=0),
                     g.op('Gather', [g.param('bert.type', (2, d)), types], axis=0)])
    x = g.op('Add', [x, g.op('Gather', [g.param('bert.position', (positions, d)), g.positions(g.const(0), length)], axis=0)])
    x = g.layer_norm(x, 'bert.ln_embed', d)
    x = g.encoder_block(x, 'bert.layer0', d, heads, g.padding_mask(mask))
    g.output(g.layer_norm(x, 'bert.ln', d), 'last_hidden_state', FLOAT, ['batch_size', 'sequence_length', d])
    g.save(f'{folder}/onnx/model.onnx', 'bert')
    write_json(f'{folder}/config.json', {
        'model_type': 'bert', 'architectures': ['BertModel'], 'hidden_size': d, 'num_attention_heads': heads,
        'num_hidden_layers': 1, 'intermediate_size': 2 * d, 'vocab_size': vocab_size,
        'max_position_embeddings': positions, 'type_vocab_size': 2, 'pad_token_id': 0})
    write_json(f'{folder}/tokenizer.json', tokenizer)
    write_json(f'{folder}/tokenizer_config.json', tokenizer_config)


def make_siglip(folder):
    d, heads, image_size, patch, max_length = 24, 2, 32, 8, 16
    tokenizer, tokenizer_config, vocab_size = siglip_tokenizer(max_length)
    store, rng = {}, np.random.default_rng(19)

    g = Graph(store, rng)
    ids = g.input('input_ids', INT64, ['batch_size', 'sequence_length'])
    length = g.dim(ids, 1)
    x = g.op('Add', [g.op('Gather', [g.param('text.embed', (vocab_size, d)), ids], axis=0),
                     g.op('Gather', [g.param('text.positions', (max_length, d)), g.positions(g.const(0), length)], axis=0)])
    hidden = g.layer_norm(g.encoder_block(x, 'text.layer0', d, heads), 'text.ln', d)
    # SigLIP pools the last position (texts are padded to max_length) and projects it with a linear head.
    last = g.op('Squeeze', [g.op('Gather', [hidden, g.op('Sub', [g.op('Unsqueeze', [length, g.const([0])]), g.const([1])])], axis=1), g.const([1])])
    g.output(g.linear(last, 'text.head', d, d), 'pooler_output', FLOAT, ['batch_size', d])
    g.output(hidden, 'last_hidden_state', FLOAT, ['batch_size', 'sequence_length', d])
    g.save(f'{folder}/onnx/text_model.onnx', 'siglip_text')

    g = Graph(store, rng)
    pixels = g.input('pixel_values', FLOAT, ['batch_size', 3, image_size, image_size])
    hidden = g.layer_norm(g.encoder_block(g.patch_embed(pixels, 'vision', d, image_size, patch), 'vision.layer0', d, heads), 'vision.ln', d)
    pooled = g.op('ReduceMean', [hidden], axes=[1], keepdims=0)
    g.output(g.linear(pooled, 'vision.head', d, d), 'pooler_output', FLOAT, ['batch_size', d])
    g.output(hidden, 'last_hidden_state', FLOAT, ['batch_size', (image_size // patch) ** 2, d])
    g.save(f'{folder}/onnx/vision_model.onnx', 'siglip_vision')

    write_json(f'{folder}/config.json', {
        'model_type': 'siglip', 'architectures': ['SiglipModel'],
        'text_config': {'model_type': 'siglip_text_model', 'hidden_size': d, 'num_attention_heads': heads,
                        'num_hidden_layers': 1, 'vocab_size': vocab_size, 'max_position_embeddings': max_length},
        'vision_config': {'model_type': 'siglip_vision_model', 'hidden_size': d, 'num_attention_heads': heads,
                          'num_hidden_layers': 1, 'image_size': image_size, 'patch_size': patch},
    })
    write_json(f'{folder}/preprocessor_config.json', {
        'image_processor_type': 'SiglipImageProcessor', 'processor_class': 'SiglipProcessor',
        'do_resize': True, 'do_rescale': True, 'do_normalize': True, 'resample': 3, 'rescale_factor': 1 / 255,
        'image_mean': [0.5, 0.5, 0.5], 'image_std': [0.5, 0.5, 0.5], 'size': {'height': image_size, 'width': image_size}})
    write_json(f'{folder}/tokenizer.json', tokenizer)
    write_json(f'{folder}/tokenizer_config.json', tokenizer_config)


MODELS = {'vit-gpt2': make_vit_gpt2, 'florence-2': make_florence2, 'clip': make_clip, 'minilm': make_minilm,
          'siglip': make_siglip}


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'test-support', 'models'))
    for name, make in MODELS.items():
        folder = os.path.join(out, 'tiny', name)
        # Write beside the final folder and rename, so a reader never sees half a model.
        staging = f'{folder}.partial-{os.getpid()}'
        shutil.rmtree(staging, ignore_errors=True)
        make(staging)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
        size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(folder) for f in files)
        print(f'{folder}: {size / 1024:.0f} KiB')


if __name__ == '__main__':
    main()
