"""Times detect-secrets (all default plugins and filters) over a benchmark corpus.

Usage: python detect_secrets_scan.py CORPUS.json
CORPUS.json is a JSON list of documents (pages). Each document is scanned the way
`detect-secrets scan` scans one file once it has read it: its lines go through
`detect_secrets.core.scan._process_line_based_plugins` under `default_settings()`.
Only that loop is timed: not interpreter start-up, imports, reading the corpus, or a one-page
warm-up. Prints one JSON object: tool, version, bytes, seconds, findings.
"""

import json
import sys
import time

from importlib.metadata import version
from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.settings import default_settings


def scan(document, name):
    lines = list(enumerate(document.splitlines(), start=1))
    return sum(1 for _ in _process_line_based_plugins(lines=lines, filename=name))


def main():
    with open(sys.argv[1], encoding="utf-8") as corpus:
        documents = json.load(corpus)
    total = sum(len(d.encode("utf-8")) for d in documents)
    with default_settings():
        scan(documents[0], "warm-up.md")
        findings = 0
        start, cpu_start = time.perf_counter(), time.thread_time()
        for index, document in enumerate(documents):
            findings += scan(document, f"page-{index}.md")
        seconds = time.perf_counter() - start
        cpu_seconds = time.thread_time() - cpu_start
    print(json.dumps({
        "tool": "detect-secrets",
        "version": version("detect-secrets"),
        "bytes": total,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "findings": findings,
    }))


if __name__ == "__main__":
    main()
