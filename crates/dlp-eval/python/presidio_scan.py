"""Times presidio-analyzer with pattern recognizers only over a benchmark corpus.

Usage: python presidio_scan.py CORPUS.json
The AnalyzerEngine gets presidio's own `NoOpNlpEngine` (no spaCy model is downloaded or
loaded; NER-based recognizers are left out) and the default English recognizer registry: the
regex/checksum recognizers for cards, IBAN, SSN, ITIN, passport, driver licence, bank
numbers, email, phone, IP, URL, UUID, dates, crypto wallets, NHS and medical licence numbers.
tldextract (used by the email recognizer) is pointed at its bundled suffix list so no network
call happens. Each document is one `analyze(text, language="en")` call; only those calls are
timed, after a one-page warm-up. Prints one JSON object: tool, version, bytes, seconds,
findings.
"""

import json
import logging
import sys
import time
from importlib.metadata import version

import tldextract
import tldextract.tldextract

tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

from presidio_analyzer import AnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import NoOpNlpEngine  # noqa: E402


def main():
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    with open(sys.argv[1], encoding="utf-8") as corpus:
        documents = json.load(corpus)
    total = sum(len(d.encode("utf-8")) for d in documents)
    engine = AnalyzerEngine(
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    )
    recognizers = [r.name for r in engine.get_recognizers("en")]
    engine.analyze(text=documents[0], language="en")
    findings = 0
    start, cpu_start = time.perf_counter(), time.thread_time()
    for document in documents:
        findings += len(engine.analyze(text=document, language="en"))
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start
    print(json.dumps({
        "tool": "presidio-analyzer",
        "version": version("presidio-analyzer"),
        "bytes": total,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "findings": findings,
        "recognizers": len(recognizers),
    }))


if __name__ == "__main__":
    main()
