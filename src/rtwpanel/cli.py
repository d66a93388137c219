"""The `rtwpanel` command line: one program, one sub-command per job.

Each sub-command lives in its own module, which provides
``add_arguments(parser)`` and ``run(args) -> int``. Modules import their heavy
dependencies inside ``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from rtwpanel import __version__
from rtwpanel.errors import RtwError

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "rtwpanel.pipeline",
        "the main job: generate if needed, build, gates, analyse, report",
    ),
    "generate": ("rtwpanel.synthetic.command", "write a synthetic register delivery and its truth"),
    "build": ("rtwpanel.build", "dbt build on a delivery, then publish the warehouse"),
    "gates": ("rtwpanel.gates.command", "print the quality-gate summary; non-zero exit on a fail"),
    "analyse": ("rtwpanel.analysis.command", "tables, figures and report from the marts"),
    "robustness": ("rtwpanel.analysis.robustness", "main effect under other cleaning choices"),
    "cost-benefit": ("rtwpanel.analysis.cost_benefit_command", "critical gross wage X*"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rtwpanel",
        description="Register panel for return-to-work evaluations.",
    )
    parser.add_argument("--version", action="version", version=f"rtwpanel {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # sub-command not part of this installation
            raise
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except RtwError as exc:
        if args.debug:
            raise
        print(f"rtwpanel {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"rtwpanel {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # anything unforeseen: one line, the traceback on request
        if args.debug:
            raise
        print(
            f"rtwpanel {args.command}: error: {type(exc).__name__}: {exc}\n"
            f"(run 'rtwpanel --debug {args.command} ...' for the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
