"""The installed llama.cpp answers on this CPU: built for it, without the AMX kernels that crash
on some Xeons (ggml-org/llama.cpp#20824; every answer was a segmentation fault there)."""

import subprocess
import sys
from pathlib import Path

import llama_cpp

from backend.settings import Settings

ANSWER_ONCE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=2048, verbose=False)
prompt = "Employees are reimbursed 0.30 euros per kilometre. " * 80 + "What is the mileage rate?"
out = llm.create_chat_completion([{"role": "user", "content": prompt}], max_tokens=8)
print(out["usage"]["prompt_tokens"], out["usage"]["completion_tokens"])
"""


def test_llama_cpp_is_built_without_its_amx_kernels():
    libs = sorted((Path(llama_cpp.__file__).parent / "lib").glob("libggml-cpu*.so*"))
    assert libs, "llama-cpp-python has no CPU backend library"
    for lib in libs:
        assert b"ggml_backend_amx_mul_mat" not in lib.read_bytes(), (
            f"{lib.name} holds llama.cpp's AMX kernels: run scripts/install.sh to rebuild it")


def test_the_default_model_answers_a_long_prompt_without_crashing():
    """In a child process: a crash in llama.cpp must fail this test, not end the test run."""
    done = subprocess.run([sys.executable, "-c", ANSWER_ONCE, str(Settings().llm_model_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"llama.cpp exited with {done.returncode}: {done.stderr[-2000:]}"
    prompt_tokens, completion_tokens = map(int, done.stdout.split())
    assert prompt_tokens > 800 and completion_tokens > 0
