"""The ``partyfacts`` command: a thin wrapper over the Python API."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path

import click

from . import evaluate, pipeline, store
from . import options as options_module
from .extract import dates
from .schemas import RECORDS, json_schema

CORPUS = Path(__file__).with_name("corpus")
log = logging.getLogger("partyfacts")


def _published(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    day = dates.parse_day(value)
    if day is None:
        raise click.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)")
    return day


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR.")
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """Facts about party building from Vietnamese provincial news, into SQLite.

    \b
    Example:
      partyfacts extract article.txt --db data/partyfacts.db
    """
    opts = options_module.load().replace(log_level=log_level.upper() if log_level else None)
    logging.basicConfig(
        level=getattr(logging, opts.log_level, logging.WARNING),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = opts


def _progress(items: list, label: str):
    """A progress bar on an interactive terminal; a log line per item otherwise."""
    if sys.stderr.isatty() and len(items) > 1:
        return click.progressbar(items, label=label, file=sys.stderr)
    return _Quiet(items)


class _Quiet:
    def __init__(self, items: list) -> None:
        self.items = items

    def __enter__(self):
        return iter(self.items)

    def __exit__(self, *exc) -> None:
        return None


def _extract_files(paths: list[str], db, published: date | None, out) -> tuple[int, int, dict]:
    """Extract each file, print its JSON line to ``out``, store it in ``db``. Returns
    (done, failed, store outcomes)."""
    done = failed = 0
    outcomes: dict[str, int] = {}
    with _progress(paths, "extracting") as items:
        for path in items:
            try:
                extraction = pipeline.from_file(path, published=published)
            except pipeline.InputError as error:
                click.echo(f"partyfacts: error: {path}: {error}", err=True)
                failed += 1
                continue
            if out is not None:
                out.write(json.dumps(pipeline.as_json(extraction), ensure_ascii=False) + "\n")
            if db is not None:
                try:
                    outcome = store.save(db, extraction)
                except store.StoreError as error:
                    click.echo(f"partyfacts: error: {path}: not stored: {error}", err=True)
                    failed += 1
                    continue
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                log.info("%s: %s", path, outcome)
            done += 1
    return done, failed, outcomes


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--db",
    "db_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Also store the articles and facts in this SQLite database.",
)
@click.option(
    "--published",
    callback=_published,
    default=None,
    help="Publication date of the articles (YYYY-MM-DD), when the text has none.",
)
@click.pass_obj
def extract(opts, files: tuple[str, ...], db_path: str | None, published: date | None) -> None:
    """Extract facts from article files; print one JSON line per file (FACTS.md).

    A file that is missing, empty, binary or not UTF-8 gets a one-line error on stderr;
    the other files are still processed and the exit code is 1.

    \b
    Example:
      partyfacts extract ../shared/corpus/seeds/*.txt > facts.jsonl
      partyfacts extract article.txt --db data/partyfacts.db --published 2013-01-15
    """
    db = None
    if db_path:
        opts = opts.replace(db=db_path)
        db = store.connect(opts.db, opts.lock_timeout)
    _, failed, _ = _extract_files(list(files), db, published, sys.stdout)
    if failed:
        sys.exit(1)


@main.command()
@click.option(
    "--db",
    "db_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Database to fill (default: data/partyfacts.db, or PARTYFACTS_DB).",
)
@click.pass_obj
def run(opts, db_path: str | None) -> None:
    """The main job: extract the bundled sample articles into the database and print a
    summary of what is stored.

    \b
    Example:
      partyfacts run --db data/partyfacts.db
    """
    opts = opts.replace(db=db_path)
    db = store.connect(opts.db, opts.lock_timeout)
    files = sorted(str(p) for p in (CORPUS / "articles").glob("*.txt"))
    done, failed, outcomes = _extract_files(files, db, None, None)
    _print_summary(opts.db, done, failed, outcomes, store.counts(db))
    if failed:
        sys.exit(1)


def _print_summary(path, done: int, failed: int, outcomes: dict, counts: dict) -> None:
    changes = ", ".join(f"{v} {k}" for k, v in sorted(outcomes.items())) or "nothing"
    click.echo(f"Database: {path}")
    click.echo(f"Processed {done} article files ({changes}); {failed} failed.")
    click.echo(
        f"Stored: {counts['articles']} articles, {counts['quantities']} quantity facts, "
        f"{counts['officials']} officials.\n"
    )
    rows = [("category", "event", "facts")] + [tuple(map(str, r)) for r in counts["by_category"]]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for index, row in enumerate(rows):
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            click.echo("  ".join("-" * w for w in widths))
    if counts["by_province"]:
        click.echo(
            "\nArticles by province: " + ", ".join(f"{p} {n}" for p, n in counts["by_province"])
        )


@main.command(name="eval")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder of article .txt files (default: the project's own corpus).",
)
@click.option(
    "--gold",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder of gold .json files, one per article (default: the project's own).",
)
@click.option(
    "--min",
    "floors",
    multiple=True,
    metavar="NAME=F",
    help="Fail (exit 1) below this floor, e.g. quantities.core=0.9 or full=0.8.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every missed and extra fact.")
def evaluate_command(
    corpus: str | None, gold: str | None, floors: tuple[str, ...], verbose: bool
) -> None:
    """Score the extractor against a gold set: F1 for quantities and officials.

    \b
    Example:
      partyfacts eval --min quantities.core=0.9 --min full=0.8
      partyfacts eval --corpus ../shared/corpus/seeds --gold ../shared/gold/seeds -v
    """
    corpus_dir = Path(corpus) if corpus else CORPUS / "articles"
    gold_dir = Path(gold) if gold else CORPUS / "gold"
    golds = evaluate.load_gold(gold_dir)
    preds = {}
    for doc in golds:
        path = corpus_dir / f"{doc}.txt"
        try:
            preds[doc] = pipeline.as_json(pipeline.from_file(path))
        except pipeline.InputError as error:
            click.echo(f"partyfacts: error: {path}: {error}", err=True)
    totals, notes = evaluate.score(golds, preds)
    if verbose:
        for note in notes:
            click.echo("  " + note, err=True)
    click.echo(f"{len(golds)} gold articles, {len(preds)} extracted")
    for name, value in totals.items():
        click.echo(f"{name:17} F1 {value:.3f}")
    short = []
    for floor in floors:
        name, _, value = floor.partition("=")
        if name not in totals:
            raise click.BadParameter(f"unknown score {name!r}; one of {', '.join(totals)}")
        if totals[name] < float(value):
            short.append(f"{name} {totals[name]:.3f} < {value}")
    if short:
        click.echo("below floor: " + "; ".join(short))
        sys.exit(1)


@main.command()
@click.argument("record", required=False, type=click.Choice(sorted(RECORDS)))
def schema(record: str | None) -> None:
    """Print the JSON Schema of the records (all of them, or one).

    \b
    Example:
      partyfacts schema quantity
    """
    click.echo(json.dumps(json_schema(record), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
