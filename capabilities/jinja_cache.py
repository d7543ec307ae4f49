"""One in-memory Jinja bytecode cache per process, shared by every template environment.

Each Flask app (and each PDF render) has an environment of its own, and without a shared cache
every one of them parses and compiles each template again. A process serving users has one app,
but the test suite makes an app per test, and there the template compiler was the largest single
cost (a third of a web test's time). The cache is keyed by template name and checked against
the source's checksum by Jinja itself, so an edited template is compiled anew.
"""

from __future__ import annotations

import threading

from jinja2.bccache import Bucket, BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code


SHARED = ProcessBytecodeCache()
