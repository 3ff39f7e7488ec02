"""``python -m hireloop.library.packs PATH``: validate a pack without touching a database."""

import sys

from .validate import read_pack


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m hireloop.library.packs PATH", file=sys.stderr)
        return 2
    pack = read_pack(argv[0])
    for problem in pack.problems:
        print(problem)
    if pack.problems:
        print(f"{len(pack.problems)} problem(s) in {argv[0]}", file=sys.stderr)
        return 1
    print(
        f"ok: {len(pack.competencies)} competencies, {len(pack.questions)} questions, "
        f"{len(pack.scorecards)} scorecards, {len(pack.stages)} stages, {len(pack.tasks)} tasks, "
        f"{len(pack.skills)} skills, {len(pack.industries)} industries, "
        f"{len(pack.red_flags)} red flags, {len(pack.prep_tips)} prep topics "
        f"(hash {pack.content_hash[:12]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
