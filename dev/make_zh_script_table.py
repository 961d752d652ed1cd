"""Build ``engine/zh_script.json``: character maps between Simplified and Traditional Chinese.

Why a table in the package: a plan cached for a Simplified request may serve a Traditional one (and back);
its reply text should come in the script the user speaks. Replies are short sentences ("已打开客厅的灯。"), so
character-level conversion with each character's most common counterpart is enough, and a table keeps the
runtime free of extra dependencies.

Source: the dictionaries of OpenCC (Apache-2.0), as shipped in the PyPI wheel
``opencc-python-reimplemented==0.1.7`` (``opencc/dictionary/``): ``STCharacters.txt`` /
``TSCharacters.txt`` (first candidate of each line), ``TWVariants.txt`` and ``HKVariants.txt`` (regional
forms applied after Simplified → Traditional). Run::

    pip download --no-deps opencc-python-reimplemented==0.1.7 && unzip opencc_python_reimplemented-*.whl
    .venv/bin/python dev/make_zh_script_table.py opencc/dictionary
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "custom_components/agent_reuse/engine/zh_script.json"
#: Where OpenCC's first candidate is wrong for what a smart-home reply says: 钟 is 鐘 in 分鐘 (minutes) and
#: 鬧鐘 (alarm clock); OpenCC lists the surname 鍾 first.
REPLY_FORMS = {"钟": "鐘"}


def read_map(path: Path) -> dict[str, str]:
    """Single characters to the first candidate (OpenCC lists the commonest first)."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        source, targets = line.split("\t", 1)
        target = targets.split(" ")[0]
        if len(source) == 1 and len(target) == 1 and source != target:
            table[source] = target
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dictionary", type=Path, help="OpenCC's dictionary folder")
    args = ap.parse_args()
    table = {
        "source": "OpenCC dictionaries (Apache-2.0) from opencc-python-reimplemented 0.1.7; see dev/make_zh_script_table.py",
        "to_traditional": read_map(args.dictionary / "STCharacters.txt") | REPLY_FORMS,
        "to_simplified": read_map(args.dictionary / "TSCharacters.txt"),
        "taiwan": read_map(args.dictionary / "TWVariants.txt"),
        "hong_kong": read_map(args.dictionary / "HKVariants.txt"),
    }
    OUT.write_text(
        json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"{OUT}: " + ", ".join(f"{k} {len(v)}" for k, v in table.items() if isinstance(v, dict)))


if __name__ == "__main__":
    main()
