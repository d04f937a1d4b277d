"""Requantize a GGUF file with llama.cpp's own quantizer (once, at install time).

On a CPU the time to the first token is prompt evaluation, and its speed depends on the
quantization: for the default SmolLM2-135M on 2 cores, Q4_1 (as shipped) evaluates ~190
prompt tokens/s, Q8_0 ~295 and Q4_0 ~326 (see README "Answer speed"). Requantizing from Q4_1
loses nothing Q4_1 had not lost already in the 4-bit blocks it keeps.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path


def requantize(source: Path, target: Path, ftype: str = "Q4_0", threads: int | None = None) -> Path:
    """Write ``source`` quantized as ``ftype`` (e.g. Q4_0, Q8_0) to ``target``, atomically."""
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{ftype}")
    params.allow_requantize = True
    params.nthread = threads or os.cpu_count() or 2
    partial = target.with_suffix(".part")
    if llama_cpp.llama_model_quantize(str(source).encode(), str(partial).encode(),
                                      ctypes.byref(params)) != 0:
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"llama.cpp could not quantize {source} as {ftype}")
    partial.rename(target)
    return target


if __name__ == "__main__":
    import sys

    print(requantize(Path(sys.argv[1]), Path(sys.argv[2]), *(sys.argv[3:4] or [])))
