"""Rewrite a schedule as PyYAML writes it: `yaml.safe_dump` of the same
data, every scalar kept as text (so dates and times come out quoted), keys
sorted, sequence items at column 0. Schedules written by Python tools look
like this; benches/compare.sh times coursefeed on both forms.

Usage: pyyaml_dump.py IN.yaml OUT.yaml
"""
import sys

import yaml


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.BaseLoader)
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, allow_unicode=True, width=100000)


if __name__ == "__main__":
    main()
