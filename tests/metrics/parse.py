"""Parses Prometheus text exposition format from stdin with the reference client library's parser
(prometheus_client.parser.text_string_to_metric_families) and prints every sample as JSON:

    [{"family": ..., "type": ..., "name": ..., "labels": {...}, "value": ...}, ...]

`name` is the sample's name as exposed (counters keep their `_total`, histograms their `_bucket`,
`_sum` and `_count`); `family` is the family's name as the parser reports it (for a counter, without
`_total`). Text the parser rejects makes it exit non-zero with the parser's error. Run by
tests/metrics.rs, with tests/metrics/.venv/bin/python (tests/metrics/install.sh).
"""

import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def number(value):
    # JSON has no infinities or NaN: spell them as Prometheus does.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return value


def main():
    text = sys.stdin.read()
    samples = []
    # The parser is lazy: the whole text is parsed before anything is printed, so an error leaves no
    # partial output.
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.append(
                {
                    "family": family.name,
                    "type": family.type,
                    "name": sample.name,
                    "labels": dict(sample.labels),
                    "value": number(sample.value),
                }
            )
    json.dump(samples, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
