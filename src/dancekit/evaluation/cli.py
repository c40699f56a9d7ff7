"""``dancekit evaluate TABLE``: cross-validate a paper table's models on your copy of its dataset.

Every missing fold of every model is trained (finished folds are
kept, so rerunning resumes), then the markdown report is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dancekit.cli_types import int_in, non_negative_int, positive_int, prepare_output_folder, torch_device
from dancekit.exit_codes import EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``evaluate`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        ``add_subparsers``'s result on the ``dancekit`` parser.

    Returns
    -------
    argparse.ArgumentParser
        The ``evaluate`` parser; its ``func`` is :func:`cmd_evaluate`.
    """
    p = subparsers.add_parser(
        "evaluate", help="reproduce a paper table by cross-validation on your copy of its dataset",
        description="Cross-validate the models of a paper table on a dataset you own (resumable fold by fold) "
                    "and write the markdown report. 'dancekit evaluate --list' shows the tables.")
    p.add_argument("table", nargs="?", metavar="TABLE", help="table id (see --list)")
    p.add_argument("--list", action="store_true", help="list the tables with their datasets and models")
    p.add_argument("--data", metavar="PATH", help="dataset root in the table's public layout")
    p.add_argument("--folders", action="store_true", help="read --data as a folder per class instead")
    p.add_argument("--work", metavar="DIR", help="folder for fold results; rerun with it to resume")
    p.add_argument("--out", metavar="REPORT_DIR", help="report folder (default: WORK/report)")
    p.add_argument("--models", metavar="a,b", help="models to run (default: the table's)")
    p.add_argument("--only-folds", metavar="K,K", help="run these folds only (0-based)")
    p.add_argument("--folds", type=int_in(3), metavar="N",
                   help="number of folds, 3 or more (stratified splits; default 10)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="split and training seed (default 0)")
    p.add_argument("--device", type=torch_device, default="cpu",
                   help="torch device: cpu, cuda, cuda:N or mps (default cpu)")
    p.add_argument("--max-epochs", type=positive_int, metavar="N", help="cap on training epochs (quick runs)")
    p.set_defaults(func=cmd_evaluate)
    return p


def list_tables() -> str:
    """The text of ``dancekit evaluate --list``: each paper table with its dataset, split and models.

    Returns
    -------
    str
        Three lines per table.
    """
    from dancekit.evaluation.tables import DATASETS, TABLES  # heavy: the tables load the training package (torch)

    lines = []
    for table in TABLES.values():
        lines += [f"{table.id:<26} {table.title}",
                  f"{'':<26} data: {table.dataset}: {DATASETS[table.dataset].layout}",
                  f"{'':<26} split: {table.split}; models: {', '.join(table.models)}"]
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Run ``dancekit evaluate``: train the table's missing folds, then write its markdown report.

    Output folders are checked before training starts, so a bad path does not cost hours.

    Parameters
    ----------
    args : argparse.Namespace
        ``table`` or ``list``, with ``data``, ``work`` and the optional ``out``, ``models``,
        ``only_folds``, ``folds``, ``seed``, ``device``, ``max_epochs``, ``folders``.

    Returns
    -------
    int
        ``EXIT_OK``; bad input raises an ``EvaluationInputError``, which the main command reports.
    """
    # heavy (torch, librosa): imported only when the command runs, not when the parser is built
    from dancekit.evaluation.table_report import data_facts, write_table_report
    from dancekit.evaluation.table_runs import evaluate
    from dancekit.evaluation.tables import EvaluationInputError, get_table, select_models

    if args.list:
        print(list_tables())
        return EXIT_OK
    if not args.table:
        raise EvaluationInputError("name a table (dancekit evaluate --list shows them)")
    table = get_table(args.table)
    names = select_models(table, args.models)
    for option in ("data", "work"):
        if not getattr(args, option):
            raise EvaluationInputError(f"--{option} is required")
    if not Path(args.data).is_dir():
        raise EvaluationInputError(f"data folder not found: {args.data}")
    prepare_output_folder(args.work, "--work", create=False)  # before hours of training, not after
    if args.out:
        prepare_output_folder(args.out, "--out", create=False)

    def log(line: str) -> None:
        from tqdm import tqdm  # only when a table runs (~50 ms at every `dancekit --help` otherwise)

        tqdm.write(line, file=sys.stdout)

    prep = evaluate(table, args.data, args.work, models=names, only_folds=args.only_folds, n_folds=args.folds,
                    seed=args.seed, device=args.device, max_epochs=args.max_epochs, folders=args.folders, log=log)
    note = f"{table.note}\n\n{data_facts(prep.work)}"
    report = write_table_report(prep.work, args.out or prep.work / "report", table.title, note, models=names)
    print(f"report: {report}")
    return EXIT_OK
