"""Command line for scripts (issue 20, part 3), with no Django set-up:

    python -m jianguan.collab.schedule FILE.xml --json OUT

imports an MSPDI file, schedules it with the file's own calendars, links, lags and constraints
from the project start date in the file, and writes the early/late dates, floats (working
minutes) and the critical flag of every non-summary task. Exit 0 on success; 2 with a Chinese and
English message on stderr for a file that is not MSPDI, uses features not supported, or has a
dependency loop (nothing is written then). What the file holds that does not bear on the dates
(resources, assignments...) is listed on stderr as not imported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from jianguan.collab.schedule.engine.cpm import ScheduleError
from jianguan.collab.schedule.engine.model import schedule
from jianguan.collab.schedule.engine.mspdi_read import MspdiError, parse


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m jianguan.collab.schedule", description="MSPDI → 关键路径 (CPM)"
    )
    ap.add_argument("file", help="MS Project XML (MSPDI) file")
    ap.add_argument(
        "--json", required=True, dest="out", help="where to write the JSON result ('-' for stdout)"
    )
    args = ap.parse_args(argv)
    try:
        with open(args.file, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        print(f"错误：无法读取文件 (cannot read file): {exc}", file=sys.stderr)
        return 2
    try:
        spec = parse(data)
        tasks = schedule(spec)
    except (MspdiError, ScheduleError) as exc:
        print(f"错误 (error) [{exc.code}]: {exc}", file=sys.stderr)
        return 2
    for item in spec.not_imported:
        print(f"提示：未导入 (not imported): {item}", file=sys.stderr)
    payload = json.dumps({"tasks": [t.as_json() for t in tasks]}, ensure_ascii=False, indent=1)
    if args.out == "-":
        sys.stdout.write(payload + "\n")
        return 0
    # Write beside the target and rename: a failed run leaves no half-written file.
    folder = os.path.dirname(os.path.abspath(args.out))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".schedule-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(payload + "\n")
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
