"""Converts Confluence storage files to Markdown with mcp-atlassian's own converter, timed.

Usage: python mcp_atlassian_convert.py IN_DIR OUT_DIR REPETITIONS

Reads every IN_DIR/*.xml (storage XHTML), converts each with the call mcp-atlassian's
`confluence_get_page` tool makes (`ConfluenceFetcher.get_page_content` ->
`ConfluencePreprocessor.process_html_content`, whose second result is the Markdown the tool
returns), writes OUT_DIR/<name>.md, and prints one JSON object on stdout:
{"converter", "version", "docs", "bytes", "times_ns": [one per repetition], "errors": {...}}.

Only the conversion loop is timed, after one untimed warm-up pass (files are read before and
written after it; interpreter start-up and imports are outside it). No network: the tool would
pass its HTTP client for user look-ups; we pass none (so mentions render as
`@user_<account-id>`, the same information our converter prints without a resolver, and no time
goes to HTTP) and no page id or attachment list (so attachment images keep their bare file names
instead of percent-encoded download URLs, which a literal comparison would count as lost).
"""

import json
import logging
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

from mcp_atlassian.preprocessing.confluence import ConfluencePreprocessor

# The tool's code path, minus its HTTP client; the site URL only shapes generated image URLs.
BASE_URL = "https://example.atlassian.net/wiki"


def convert(preprocessor: ConfluencePreprocessor, storage: str) -> str:
    _, markdown = preprocessor.process_html_content(
        storage, space_key="", confluence_client=None, content_id="", attachments=None
    )
    return markdown


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    in_dir, out_dir, repetitions = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    # Their per-mention "no client" warnings would otherwise flood stderr (and time the console).
    logging.getLogger("mcp-atlassian").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")

    paths = sorted(in_dir.glob("*.xml"))
    sources = [(p.stem, p.read_text(encoding="utf-8")) for p in paths]
    preprocessor = ConfluencePreprocessor(base_url=BASE_URL)

    outputs: dict[str, str] = {}
    errors: dict[str, str] = {}
    times_ns = []
    # One untimed warm-up pass (first-use caches, lazy imports), then the timed repetitions.
    for repetition in range(max(repetitions, 1) + 1):
        outputs = {}  # freeing the last pass's output is not timed
        start = time.perf_counter_ns()
        for name, storage in sources:
            try:
                outputs[name] = convert(preprocessor, storage)
            except Exception as error:  # noqa: BLE001 - report, as the tool would
                errors[name] = f"{type(error).__name__}: {error}"
        if repetition > 0:
            times_ns.append(time.perf_counter_ns() - start)

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, markdown in outputs.items():
        (out_dir / f"{name}.md").write_text(markdown, encoding="utf-8")

    print(
        json.dumps(
            {
                "converter": "mcp-atlassian",
                "version": version("mcp-atlassian"),
                "docs": len(sources),
                "bytes": sum(len(s.encode("utf-8")) for _, s in sources),
                "times_ns": times_ns,
                "errors": errors,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
