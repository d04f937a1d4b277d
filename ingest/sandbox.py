"""Parse untrusted files in a child process with memory, CPU and wall-clock limits.

A parser that runs out of memory, loops, or crashes the interpreter takes down only its child;
the caller gets a ParseError saying why. Children are forked from a small fork server that has
the parsing libraries imported already, so a file costs a fork, not a Python start.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass

from backend.domain import ParsedDocument
from ingest.parsers import ParseError, ParseLimits, parse_bytes

_PRELOAD = ["ingest.parsers", "pypdf", "docx", "charset_normalizer"]


@dataclass(frozen=True)
class SandboxLimits:
    memory_mb: int = 1024
    cpu_seconds: int = 60
    timeout_seconds: float = 120
    parse: ParseLimits = ParseLimits()


def parse_isolated(data: bytes, filename: str, limits: SandboxLimits) -> ParsedDocument:
    """``parse_bytes`` in a limited child process; ParseError for any failure, with the reason."""
    return run_isolated(parse_bytes, (data, filename, limits.parse), limits, f"parse {filename[:40]}")


def run_isolated(work: Callable, args: tuple, limits: SandboxLimits, name: str):
    """``work(*args)`` (a module-level function reading an untrusted file) in a limited child
    process; its result, or ParseError for any failure, with the reason."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_work, args=(work, args, limits, sender), daemon=True, name=name)
    child.start()
    sender.close()  # so recv() sees EOF if the child dies
    try:
        if not receiver.poll(limits.timeout_seconds):
            raise ParseError(f"parsing took longer than {limits.timeout_seconds:g} s and was stopped")
        try:
            outcome, payload = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            raise ParseError(_death_reason(child.exitcode, limits)) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "error":
        raise ParseError(payload)
    return payload


def _work(work: Callable, args: tuple, limits: SandboxLimits, sender) -> None:
    import resource

    memory = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    try:
        result = ("ok", work(*args))
    except ParseError as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("error", f"parsing needs more than {limits.memory_mb} MiB of memory "
                           "(CITEQA_PARSE_MEMORY_MB) - decompression bomb?")
    except RecursionError:
        result = ("error", "structure nested too deeply to parse")
    except Exception as exc:  # noqa: BLE001 - reported to the caller, never raised past here
        result = ("error", f"unexpected {type(exc).__name__}: {exc}")
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("error", f"the parsed text does not fit in {limits.memory_mb} MiB"))


def _death_reason(exitcode: int | None, limits: SandboxLimits) -> str:
    if exitcode == -signal.SIGXCPU:
        return f"parsing used more than {limits.cpu_seconds} s of CPU and was stopped"
    if exitcode == -signal.SIGKILL:
        return "the parser was killed (out of memory?)"
    if exitcode is not None and exitcode < 0:
        return f"the parser crashed ({signal.Signals(-exitcode).name})"
    return f"the parser exited unexpectedly (code {exitcode})"
