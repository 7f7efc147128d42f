"""The ``partyfacts`` command: a thin wrapper over the Python API."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from datetime import date
from pathlib import Path

import click

from . import database, exitcodes, output
from . import options as options_module
from .extract import dates
from .schemas.vocabulary import CATEGORIES, EVENTS, SCOPES, STATUSES

CORPUS = Path(__file__).with_name("corpus")
RECORD_NAMES = ("article", "crawl_run", "extraction", "official", "quantity")  # schemas.RECORDS
log = logging.getLogger("partyfacts")

_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(output.FORMATS), default="table", show_default=True
)
_DB = click.option("--db", "db_path", default=None, type=click.Path(dir_okay=False),
                   help="Database (default: data/partyfacts.db, or PARTYFACTS_DB).")  # fmt: skip


def _published(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    day = dates.parse_day(value)
    if day is None:
        raise click.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)")
    return day


def _partial_published(_ctx, _param, value: str | None) -> date | str | None:
    """A date, or only a year or a month (2019, 2019-07)."""
    from . import pipeline

    try:
        return pipeline.parse_published(value)
    except pipeline.InputError as error:
        raise click.BadParameter(str(error)) from None


def _province(_ctx, _param, value: str | None) -> str | None:
    """A province as the registry names it; case and diacritics do not matter."""
    from . import pipeline

    if not value:
        return None
    try:
        return pipeline.resolve_province(value)
    except pipeline.InputError as error:
        raise click.BadParameter(str(error)) from None


def fail(message: str, code: int) -> None:
    """One line on stderr, then exit with ``code`` (see ``exitcodes``)."""
    click.echo(f"partyfacts: error: {message}", err=True)
    raise click.exceptions.Exit(code)


class _StderrHandler(logging.StreamHandler):
    """Logs to whatever ``sys.stderr`` is when a record is written (click's test runner
    swaps it), not to the stream that was current when logging was set up."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        return None


class _Main(click.Group):
    """Every command's failures that are not its own: a database that cannot be used (one
    line naming the file, its exit code), a bad setting, Ctrl-C."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except database.DatabaseError as error:
            fail(str(error), error.code)
        except sqlite3.DatabaseError as error:  # met half-way through: a corrupt page
            path = database.last_opened[0] if database.last_opened else Path("?")
            found = database.explain(path, error, writing=False)
            fail(str(found), found.code)
        except options_module.SettingError as error:
            fail(f"bad setting {error}", exitcodes.USAGE)
        except KeyboardInterrupt:
            fail("interrupted", exitcodes.INTERRUPTED)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--log-level",
    default=None,
    type=click.Choice(options_module.LOG_LEVELS, case_sensitive=False),
    help="What is logged on stderr (default WARNING, or PARTYFACTS_LOG_LEVEL).",
)
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
        handlers=[_StderrHandler()],
        force=True,  # underthesea's import sets up the root logger already
    )
    ctx.obj = opts


def _open_store(opts):
    """The database for writing; DatabaseError (one line, its exit code) when it cannot be."""
    from . import store

    return store.connect(opts.db, opts.lock_timeout)


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


LONG_INPUT = 500_000  # characters: above this, an input's own progress is shown


def _long_input_progress(path: str):
    """progress(done, total) for one long input: a bar on a terminal, else a log line per
    tenth (INFO)."""
    state = {"bar": None, "tenth": 0}

    def progress(done: int, total: int) -> None:
        if total < LONG_INPUT:
            return
        if sys.stderr.isatty():
            if state["bar"] is None:
                state["bar"] = click.progressbar(
                    length=total, label=f"{path}", file=sys.stderr, show_percent=True
                )
                state["bar"].__enter__()
            state["bar"].update(done - state["bar"].pos)
        elif done * 10 // total > state["tenth"]:
            state["tenth"] = done * 10 // total
            log.info("%s: %d%% of %s characters", path, state["tenth"] * 10, f"{total:,}")

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, close


def _extract_files(
    paths: list[str],
    db,
    published: date | str | None,
    out,
    max_bytes: int | None = None,
    province: str | None = None,
) -> tuple[int, int, dict]:
    """Extract each file, print its JSON line to ``out``, store it in ``db``. Returns
    (done, failed, store outcomes)."""
    from . import pipeline, store

    done = failed = 0
    outcomes: dict[str, int] = {}
    with _progress(paths, "extracting") as items:
        for path in items:
            progress, close = _long_input_progress(path)
            try:
                extraction = pipeline.from_file(
                    path, published=published, max_bytes=max_bytes, progress=progress,
                    province=province,
                )  # fmt: skip
            except pipeline.InputError as error:
                click.echo(f"partyfacts: error: {path}: {error}", err=True)
                failed += 1
                continue
            finally:
                close()
            if out is not None:
                # a page's extracted text goes with it (stdin may be a page too)
                with_text = pipeline.is_html(path) or path == pipeline.STDIN
                line = pipeline.as_json(extraction, with_text=with_text)
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            if db is not None:
                outcome = store.save(db, extraction)  # a database problem ends the command
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
    callback=_partial_published,
    default=None,
    help="Publication date of the articles when the text has none: YYYY-MM-DD, or only a "
    "year or month (2019, 2019-07).",
)
@click.option(
    "--max-size",
    "max_mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Refuse input files bigger than this (default 10, or PARTYFACTS_MAX_INPUT_MB).",
)
@click.option(
    "--province",
    callback=_province,
    default=None,
    help="The province the articles are about, instead of the one read from the text "
    "(any case, with or without diacritics: 'lai chau'); named as in force on each "
    "article's date.",
)
@click.pass_obj
def extract(opts, files: tuple[str, ...], db_path: str | None, published, province, max_mb) -> None:
    """Extract facts from article files; print one JSON line per file (FACTS.md).

    FILES are plain-text articles (.txt: the first line is the title) or saved news pages
    (.html, .htm, .html.gz: title, date and body are extracted first, and the line also
    carries `text`); `-` reads one article from standard input. A file that is missing,
    empty, binary, not UTF-8, too big (--max-size) or not a readable page gets a one-line error on stderr; the other files are still
    processed and the exit code is 1. A long input shows its progress.

    \b
    Example:
      partyfacts extract ../shared/corpus/seeds/*.txt > facts.jsonl
      partyfacts extract page.html.gz
      partyfacts extract article.txt --db data/partyfacts.db --published 2013-01-15
      partyfacts extract article.txt --province "lai chau"
      cat article.txt | partyfacts extract - --province "Lai Châu" --published 2019-07
    """
    opts = opts.replace(max_input_mb=max_mb)
    db = None
    if db_path:
        opts = opts.replace(db=db_path)
        db = _open_store(opts)
    _, failed, _ = _extract_files(
        list(files), db, published, sys.stdout, opts.max_input_bytes, province
    )
    if failed:
        sys.exit(exitcodes.FAILED)


@main.command(name="import")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--province",
    callback=_province,
    default=None,
    help="Province of the articles whose records name none.",
)
@click.option(
    "--max-size",
    "max_mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Skip articles bigger than this (default 10, or PARTYFACTS_MAX_INPUT_MB).",
)
@_DB
@click.pass_obj
def import_command(opts, sources, province, max_mb, db_path) -> None:
    """Import articles you already have into the database: JSON Lines, JSON or CSV (a text
    or HTML column; optional id, url, title, published (2019, 2019-07 or a full date),
    province, site; news-please, Fundus and trafilatura output as they are), WARC or
    WARC.gz (each HTML response record), .txt and .html files, folders of these, or `-`
    for standard input.

    Streaming, with a summary of what was read, stored, unchanged and skipped (by
    reason). Same article twice is one article; a bad record is a logged skip with its
    line or record number, and the rest goes on (exit 1 when any record was bad; a WARC's
    non-HTML and non-200 records are simply passed over).

    \b
    Example:
      partyfacts import articles.jsonl colleagues.csv crawl.warc.gz --db data/partyfacts.db
      partyfacts import news-please-output/ fundus.json --province "Lai Châu"
      zcat crawl.warc.gz | partyfacts import -
    """
    from . import ingest

    opts = opts.replace(db=db_path, max_input_mb=max_mb)
    db = _open_store(opts)
    counter = {"n": 0}
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=0, label="importing", file=sys.stderr, show_pos=True)
        bar.__enter__()

    def on_record(where: str) -> None:
        counter["n"] += 1
        if bar is not None:
            bar.update(1)
        elif counter["n"] % 100 == 0:
            log.info("imported %d records (now at %s)", counter["n"], where)

    try:
        summary = ingest.import_sources(
            db, sources, max_bytes=opts.max_input_bytes, province=province, on_record=on_record
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    stored = summary.outcomes["new"] + summary.outcomes["updated"]
    click.echo(
        f"Read {summary.read} records: {stored} stored ({summary.outcomes['new']} new, "
        f"{summary.outcomes['updated']} updated), {summary.outcomes['unchanged']} unchanged, "
        f"{sum(summary.skipped.values())} skipped."
        + (
            f" {summary.other_records} other WARC records passed over."
            if summary.other_records
            else ""
        )
    )
    if summary.skipped:
        rows = [{"skipped": reason, "records": n} for reason, n in summary.skipped.most_common()]
        output.write(rows, ["skipped", "records"], count=False, grouped=())
    if summary.bad:
        sys.exit(exitcodes.FAILED)


def _print_summary(path, done: int, failed: int, outcomes: dict, counts: dict) -> None:
    click.echo(f"Database: {path}")
    if outcomes or failed:
        changes = ", ".join(f"{v} {k}" for k, v in sorted(outcomes.items())) or "nothing"
        click.echo(f"Processed {done} article files ({changes}); {failed} failed.")
    click.echo(
        f"Stored: {counts['articles']} articles, {counts['quantities']} quantity facts, "
        f"{counts['officials']} officials.\n"
    )
    rows = [
        dict(zip(("category", "event", "facts"), r, strict=True)) for r in counts["by_category"]
    ]
    output.write(rows, ["category", "event", "facts"], count=False)
    if counts["by_province"]:
        click.echo(
            "\nArticles by province: " + ", ".join(f"{p} {n}" for p, n in counts["by_province"])
        )


def _print_runs(results) -> None:
    names = {"pages": "pages_fetched", "new": "articles_new", "updated": "articles_updated",
             "skipped": "articles_skipped", "failed": "articles_failed"}  # fmt: skip
    rows = [
        {"site": r.site, "status": r.status, "health": r.health or "-",
         **{k: r.counts.get(v, 0) for k, v in names.items()},
         "errors": ", ".join(f"{k} {v}" for k, v in sorted(r.errors.items())) or "-"}
        for r in results
    ]  # fmt: skip
    output.write(rows, ["site", "status", "health", *names, "errors"], grouped=(), count=False)
    for r in results:
        if r.reasons:
            click.echo(f"{r.site}: {r.health}: {'; '.join(r.reasons)}", err=True)


@main.command()
@click.argument("sites", nargs=-1)
@click.option(
    "--db", "db_path", default=None, type=click.Path(dir_okay=False), help="Database to fill."
)
@click.option(
    "--since",
    callback=_published,
    default=None,
    help="Only articles published on or after this date.",
)
@click.option("--full", is_flag=True, help="Walk every listing page even where nothing is new.")
@click.option(
    "--recheck", is_flag=True, help="Revalidate every stored article once, whatever its age."
)
@click.option(
    "--base-url",
    default=None,
    help="Base URL for sites with relative start URLs (the sample site).",
)
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="For the generic spider: a listing page to start from (repeat for more).",
)
@click.option(
    "--timeout", type=float, default=None, help="Seconds before a request is given up (default 30)."
)
@click.option("--list", "list_sites", is_flag=True, help="List the sites in the registry and exit.")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Run as a worker of a distributed crawl on this Redis (see store-worker).")  # fmt: skip
@click.pass_obj
def crawl(
    opts, sites, db_path, since, full, recheck, base_url, urls, timeout, list_sites, redis_url
) -> None:
    """Crawl news sites (all of the registry's real sites by default) into the database.

    Incremental: new articles are fetched, stored ones only revalidated (ETag /
    Last-Modified) while young or when their re-check is due; only party-building articles
    are stored where the site says `keep: relevant`. A killed run loses nothing stored and
    the next run finishes its work. Exit code 0 success, 3 partial (some pages failed), 4 a
    site is degraded (see `partyfacts status`), 1 failed, 75 a run of the site is already
    going (or the database is locked); a database that cannot be written is refused before
    the first request.

    \b
    Example:
      partyfacts crawl baolaichau vov --since 2024-01-01
      partyfacts crawl generic --url https://example.vn/xay-dung-dang
      partyfacts crawl --list
    """
    from . import crawl as crawl_module
    from .crawler import registry

    known = registry.sites()
    if list_sites:
        rows = [
            {"site": key, "group": site.group, "province": site.province or "(national)",
             "profile": site.profile, "verified": ", ".join(site.verified_parts()) or "-",
             "name": site.name}
            for key, site in known.items()
        ]  # fmt: skip
        output.write(rows, ["site", "group", "province", "profile", "verified", "name"],
                     grouped=(), widths={"name": 48})  # fmt: skip
        return
    sites = list(sites) or [
        k for k, site in known.items() if site.group not in ("sample", "generic")
    ]
    unknown = [s for s in sites if s not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown site(s) {', '.join(unknown)}; see `partyfacts crawl --list`"
        )
    if "sample" in sites and not base_url:
        raise click.UsageError(
            "the sample site has no address of its own: give --base-url "
            "http://127.0.0.1:PORT of a running sample server, or run `partyfacts run`"
        )
    if "generic" in sites and not urls:
        raise click.UsageError("the generic spider needs --url LISTING_URL (one or more)")
    if urls and "generic" not in sites:
        raise click.UsageError(
            "--url is for the generic spider: partyfacts crawl generic --url URL"
        )
    bad_urls = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad_urls:
        raise click.BadParameter(f"not an http(s) URL: {bad_urls[0]}", param_hint="--url")
    opts = opts.replace(db=db_path)
    settings = {"DOWNLOAD_TIMEOUT": timeout} if timeout else None
    if redis_url:
        from .crawler import distributed

        _distributed_crawl(distributed.crawl(
            sites, opts, redis_url, since=since, base_url=base_url, full=full, recheck=recheck,
            overrides=settings,
        ))  # fmt: skip
    results = crawl_module.crawl(
        sites, opts, since=since, base_url=base_url, full=full, recheck=recheck,
        settings=settings, urls=list(urls),
    )  # fmt: skip
    _print_runs(results)
    for r in results:
        if r.status == "already_running":
            click.echo(
                f"partyfacts: {r.site}: a crawl of this site is already running; exiting", err=True
            )
    sys.exit(crawl_module.exit_code(results))


def _distributed_crawl(results: dict[str, dict]) -> None:
    """A worker's end: what it did per site; exit 0 when every site's round is over."""
    rows = [{"site": site, **r} for site, r in results.items()]
    output.write(rows, ["site", "reason", "pages", "pushed", "requeued", "polite_waits"],
                 grouped=(), count=False)  # fmt: skip
    click.echo("(runs are recorded by the store worker: see `partyfacts status`)", err=True)
    sys.exit(0 if all(r["reason"] == "finished" for r in results.values()) else 1)


@main.command(name="store-worker")
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The crawl's Redis.")
@_DB
@click.option("--until-done", is_flag=True,
              help="Exit once nothing is queued and no round is open (else serve until stopped).")  # fmt: skip
@click.pass_obj
def store_worker(opts, redis_url: str, db_path: str | None, until_done: bool) -> None:
    """The single writer of a distributed crawl: store what `crawl --redis` workers fetch.

    Each page is stored as a local crawl stores it (one transaction, relevance, facts) and
    acknowledged only after its commit; a killed store worker's message is taken up again
    by the next one. Exit code 0, or 75 when another store worker holds this Redis.

    \b
    Example:
      partyfacts store-worker --redis redis://10.0.0.5:6379/0 --db data/partyfacts.db
      partyfacts crawl --redis redis://10.0.0.5:6379/0 baolaichau vov   # on each machine
    """
    from .crawler import storeworker

    opts = opts.replace(db=db_path)
    if opts.log_level not in ("DEBUG", "ERROR"):  # long work: its progress is INFO
        logging.getLogger("partyfacts").setLevel(logging.INFO)
    worker = storeworker.StoreWorker(redis_url, opts.db, opts.lock_timeout)
    sys.exit(worker.run(until_done=until_done))


def _run_texts(opts) -> None:
    """Extract the bundled sample .txt articles into the database (no crawl)."""
    from . import store

    db = _open_store(opts)
    files = sorted(str(p) for p in (CORPUS / "articles").glob("*.txt"))
    done, failed, outcomes = _extract_files(files, db, None, None)
    _print_summary(opts.db, done, failed, outcomes, store.counts(db))
    if failed:
        sys.exit(exitcodes.FAILED)


@main.command()
@click.argument("sites", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site, for machines.")
@click.option("--prom", type=click.Path(dir_okay=False), help="Also write a Prometheus textfile.")
@_DB
@click.pass_obj
def status(opts, sites, as_json: bool, prom: str | None, db_path: str | None) -> None:
    """Each crawled site's last run, last new article and health (ok, degraded, failing)
    with the reason. Exit code 0 every site ok, 4 a site is degraded, 1 a site is failing.

    \b
    Example:
      partyfacts status
      partyfacts status --json
      partyfacts status --prom /var/lib/node_exporter/textfile_collector/partyfacts.prom
    """
    from . import status as status_module

    entries = status_module.sites_status(_readonly(opts, db_path), list(sites) or None)
    if prom:
        status_module.write_prometheus(prom, entries)
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        rows = status_module.table_rows(entries)
        output.write(rows, status_module.TABLE_COLUMNS, grouped=(), count=False)
    sys.exit(status_module.exit_code(entries))


@main.command()
@_DB
@click.option(
    "--articles", default=40, show_default=True, help="Articles on the generated sample site."
)
@click.option(
    "--texts",
    is_flag=True,
    help="Instead: extract the bundled sample .txt articles (partyfacts/corpus), no crawl.",
)
@click.pass_obj
def run(opts, db_path: str | None, articles: int, texts: bool) -> None:
    """The main job (`make run`): serve the bundled sample site on 127.0.0.1, crawl it with
    the real spider into the database, and print what was stored. Every example in the
    README gives rows on the database this builds.

    \b
    Example:
      partyfacts run --db data/partyfacts.db
      partyfacts run --texts     # the bundled .txt articles instead of the sample site
    """
    from . import crawl as crawl_module
    from . import store
    from .crawler.sample_site import build, serve

    opts = opts.replace(db=db_path)
    if texts:
        return _run_texts(opts)
    crawl_module.check_writable(["sample"], opts)  # refused before the site is even built
    with serve(build(n_articles=articles)) as served:
        click.echo(f"Sample site served at {served.url}/ ; crawling it with the `sample` spider...")
        results = crawl_module.crawl(["sample"], opts, base_url=served.url)
    _print_runs(results)
    click.echo("")
    db = _open_store(opts)
    counts = store.counts(db)
    _print_summary(opts.db, counts["articles"], 0, {}, counts)
    code = crawl_module.exit_code(results)
    sys.exit(0 if code == 3 else code)  # the sample site's 404 is deliberate


# `demo`, the main job's earlier name, still works (not listed)
main.add_command(
    click.Command("demo", callback=run.callback, params=run.params, hidden=True,
                  help="The main job's earlier name: see `partyfacts run`."),
)  # fmt: skip


def _readonly(opts, db_path):
    """The database read-only and guarded; DatabaseError (one line, its exit code)."""
    from . import query

    opts = opts.replace(db=db_path)
    return query.connect_readonly(opts.db, opts.lock_timeout)


def _must_hold_data(path: Path) -> None:
    """For commands that work on stored articles: the file must exist and not be empty."""
    if not Path(path).exists():
        raise database.DatabaseError(
            path, "no database here; fill one first (partyfacts run, crawl, import, extract --db)",
            exitcodes.NO_INPUT,
        )  # fmt: skip
    if database.check_file(Path(path)) == 0:
        raise database.DatabaseError(
            path, "an empty file, not a partyfacts database yet", exitcodes.DATA
        )


def _years(_ctx, _param, value: str | None) -> tuple[int, int] | None:
    """``2013`` or ``2004-2013``; a reversed range is refused with the right one."""
    if not value:
        return None
    first, _, last = value.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise click.BadParameter(f"not a year or range: {value!r} (e.g. 2004-2013)") from None
    if start > end:
        raise click.BadParameter(f"{value}: the range is reversed; did you mean {end}-{start}?")
    return start, end


def _hint_province(conn, province: str | None, rows: list) -> None:
    """No rows for a province the database does not hold: say which ones it holds."""
    from . import query
    from .extract.normalize import fold

    if province and not rows:
        known = query.known_provinces(conn)
        if fold(province) not in {fold(p) for p in known}:
            click.echo(
                f"partyfacts: no province {province!r} in the database; it holds "
                f"{', '.join(known) or 'none'}",
                err=True,
            )


@main.command()
@click.option(
    "--province",
    help="Province (the name in force on the article's date); case and diacritics do not "
    "matter: 'lai chau' finds Lai Châu.",
)
@click.option("--category", type=click.Choice(CATEGORIES), help="What is counted.")
@click.option("--event", type=click.Choice(EVENTS), help="What happened to it.")
@click.option("--status", type=click.Choice(STATUSES), help="actual or target.")
@click.option(
    "--year",
    "years",
    default=None,
    callback=_years,
    metavar="YYYY[-YYYY]",
    help="A year or a range: 2004-2013.",
)
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    help="Whose figures: the province as a whole, a district, a commune, a bloc...",
)
@click.option("--unit", help="Text the body's full name contains, e.g. 'huyện Mường Tè'.")
@click.option("--subject", help="Text the subject contains, e.g. 'thị xã'.")
@click.option("--official", help="Only facts from articles naming this official.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@_FORMAT
@_DB
@click.pass_obj
def facts(
    opts, province, category, event, status, years, scope, unit, subject, official, limit, fmt,
    db_path,
) -> None:  # fmt: skip
    """Stored quantity facts, filtered, with their year, scope, source and evidence sentence.

    \b
    Example:
      partyfacts facts --province "Lai Châu" --scope province --category party_member --event total
      partyfacts facts --scope district --unit "thị xã Lai Châu" --year 2004-2013
      partyfacts facts --event admitted --format csv > admissions.csv
    """
    from . import query

    year_from, year_to = years or (None, None)
    conn = _readonly(opts, db_path)
    rows = query.facts(conn, query.FactFilter(province, category, event, status, year_from, year_to,
                                              subject, official, limit, scope, unit))  # fmt: skip
    _hint_province(conn, province, rows)
    columns = [
        "value",
        "unit",
        "category",
        "event",
        "year",
        "province",
        "scope",
        "unit_name",
        "article_published",
        "source",
        "evidence",
    ]
    if fmt != "table":
        columns = list(query.FACT_COLUMNS)
    output.write(rows, columns, fmt, widths={"source": 60})


@main.command()
@click.option("--name", help="Part of the person's name (case and diacritics do not matter).")
@click.option("--province", help="Province of the articles they were seen in.")
@_FORMAT
@_DB
@click.pass_obj
def officials(opts, name, province, fmt, db_path) -> None:
    """Officials with each title they were seen with, first and last seen, and sources.

    \b
    Example:
      partyfacts officials --name "Lò Văn"
    """
    from . import query

    conn = _readonly(opts, db_path)
    rows = query.officials(conn, name, province)
    _hint_province(conn, province, rows)
    columns = ["name", "title", "province", "first_seen", "last_seen", "articles", "sources"]
    output.write(rows, columns, fmt, widths={"sources": 80})


@main.command(name="sql")
@click.argument("statement")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop the statement after this long (default 10, or PARTYFACTS_SQL_TIME_LIMIT).",
)
@click.option(
    "--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True,
    help="Print at most this many rows.",
)  # fmt: skip
@_FORMAT
@_DB
@click.pass_obj
def sql_command(opts, statement, time_limit, max_rows, fmt, db_path) -> None:
    """Run one reading SQL statement on the database. Only reading runs: SELECT, WITH,
    VALUES, EXPLAIN and the pragmas that report; writes, ATTACH, VACUUM INTO, temp objects
    and setting pragmas are refused (exit 1); a statement past the time limit is stopped
    (exit 1); Ctrl-C stops it at once (exit 130).

    \b
    Example:
      partyfacts sql "SELECT * FROM party_totals_by_province_year"
    """
    from . import query

    opts = opts.replace(sql_time_limit=time_limit)
    conn = _readonly(opts, db_path)
    try:
        result = query.sql(conn, statement, time_limit=opts.sql_time_limit, max_rows=max_rows)
    except query.QueryError as error:
        fail(str(error), exitcodes.FAILED)
    rows = [dict(zip(result.columns, r, strict=True)) for r in result.rows]
    output.write(rows, result.columns, fmt, widths={})
    if result.truncated:
        click.echo(f"partyfacts: only the first {max_rows:,} rows (--max-rows)", err=True)


@main.command(name="export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet", "spacy", "label-studio"]),
    default="csv",
    show_default=True,
    help="Tables (csv, jsonl, parquet: with datapackage.json), a spaCy DocBin of the articles "
    "with their facts as spans (spacy), or Label Studio tasks and config (label-studio).",
)
@_DB
@click.pass_obj
def export_command(opts, directory, fmt, db_path) -> None:
    """Write articles, quantities and officials to DIRECTORY with a datapackage.json that
    describes every column; or the articles with their facts as spans for spaCy
    (articles.spacy) or for review in Label Studio (label-studio-tasks.json and
    label-studio-config.xml). The files of an earlier export in DIRECTORY (any format) are
    removed first; other files there are left alone.

    \b
    Example:
      partyfacts export dataset/ --format parquet
      partyfacts export review/ --format label-studio
      partyfacts export training/ --format spacy
    """
    from . import export as export_module

    opts = opts.replace(db=db_path)
    try:
        result = export_module.export(opts.db, directory, fmt, opts.lock_timeout)
    except OSError as error:
        fail(f"{directory}: cannot write ({error.strerror or error})", exitcodes.CANT_WRITE)
    if result.removed:
        click.echo(f"removed the earlier export's {', '.join(result.removed)}")
    for what, name in result.files.items():
        count = f"{result.counts[what]:7,}" if what in result.counts else " " * 7
        click.echo(f"{what:15} {count} -> {Path(directory) / name}")


@main.command()
@click.argument("article")
@click.option(
    "--html",
    "html_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the page.",
)
@_DB
@click.pass_obj
def show(opts, article, html_path, db_path) -> None:
    """Render ARTICLE (its id, URL or input path) with every extracted fact highlighted
    and labelled, to check the extraction by eye.

    \b
    Example:
      partyfacts show 12 --html article.html
    """
    from . import show as show_module

    conn = _readonly(opts, db_path)
    row = show_module.find_article(conn, article)
    if row is None:
        fail(f"no article {article!r} in the database (give its id, URL or input path)",
             exitcodes.FAILED)  # fmt: skip
    link = show_module.source_link(row, article)
    Path(html_path).write_text(show_module.render(conn, row, link), encoding="utf-8")
    click.echo(f"{row['title']!r}: {html_path}")


@main.command()
@click.option(
    "--since",
    callback=_published,
    default=None,
    help="Only articles published on or after this date.",
)
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@_DB
@click.pass_obj
def reextract(opts, since, workers, db_path) -> None:
    """Re-run the current rules over stored articles (no re-crawl) and report what changed
    against the previous rules version: facts added, removed and changed, by category.

    \b
    Example:
      partyfacts reextract --since 2024-01-01 --workers 2
    """
    from . import reextract as reextract_module

    opts = opts.replace(db=db_path)
    _must_hold_data(opts.db)
    db = _open_store(opts)
    bar = None
    last_logged = [0]

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if sys.stderr.isatty():
            if bar is None:
                bar = click.progressbar(length=total, label="re-extracting", file=sys.stderr)
                bar.__enter__()
            bar.update(1)
        elif total and done * 10 // total > last_logged[0]:
            last_logged[0] = done * 10 // total
            click.echo(f"re-extracted {done}/{total} articles", err=True)

    report = reextract_module.reextract(db, since=since, workers=workers, progress=progress)
    if bar is not None:
        bar.__exit__(None, None, None)
    previous = (
        ", ".join(f"{v or 'none'} ({n})" for v, n in report.previous_versions.most_common()) or "-"
    )
    click.echo(
        f"Re-extracted {report.articles} articles with rules {report.version} in {report.seconds:.1f} s "
        f"({report.per_second:.1f} articles/s, {report.workers} workers); {report.changed_articles} changed."
    )
    click.echo(f"Previous rules versions: {previous}\n")
    output.write(reextract_module.summary_rows(report), ["facts", "added", "removed", "changed", "unchanged"],
                 "table", grouped=())  # fmt: skip


@main.command()
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True,
    help="Port on 127.0.0.1.",
)  # fmt: skip
@_DB
@click.pass_obj
def serve(opts, port, db_path) -> None:
    """Open the database in Datasette, read-only, on 127.0.0.1, with facets, full-text
    search on articles and canned queries (members, base organizations, admissions,
    officials over time).

    \b
    Example:
      partyfacts serve --port 8001    # then open http://127.0.0.1:8001/
    """
    from . import serve as serve_module

    opts = opts.replace(db=db_path)
    _readonly(opts, None).close()  # any problem with the file: one line, before serving
    click.echo(f"Datasette on http://127.0.0.1:{port}/ (read-only; Ctrl-C to stop)", err=True)
    try:
        sys.exit(serve_module.serve(opts.db, port, opts.sql_time_limit))
    except serve_module.PortInUse as error:
        fail(str(error), exitcodes.FAILED)


@main.group()
def review() -> None:
    """Bring corrections made in Label Studio back as gold files.

    \b
    Example:
      partyfacts export review/ --format label-studio   # tasks and labeling config
      partyfacts review import project-1-export.json --out gold/
      partyfacts eval --gold gold/
    """


@review.command(name="import")
@click.argument("export_file", metavar="EXPORT.json", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the gold files (NAME.json) and their texts (NAME.txt).",
)
def review_import(export_file: str, out_dir: str) -> None:
    """Read a Label Studio JSON export of partyfacts tasks: each reviewed task becomes a
    gold file in the ../shared/gold format, beside its text, for `partyfacts eval --gold`.
    Tasks nobody annotated are left out.

    \b
    Example:
      partyfacts review import project-1-export.json --out gold/
    """
    from . import review as review_module

    try:
        written, unreviewed = review_module.import_export(Path(export_file), Path(out_dir))
    except review_module.ReviewError as error:
        fail(str(error), exitcodes.FAILED)
    click.echo(f"{written} gold files -> {out_dir} ({unreviewed} tasks not reviewed, left out)")
    click.echo(f"Score the current rules against them: partyfacts eval --gold {out_dir}")


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
    """Score the extractor against a gold set: F1 for quantities and officials. A gold
    folder that holds the articles' texts too (as `partyfacts review import` writes it) is
    its own corpus.

    \b
    Example:
      partyfacts eval --min quantities.core=0.9 --min full=0.8
      partyfacts eval --corpus ../shared/corpus/seeds --gold ../shared/gold/seeds -v
      partyfacts eval --gold gold/
    """
    from . import evaluate, pipeline

    gold_dir = Path(gold) if gold else CORPUS / "gold"
    if corpus:
        corpus_dir = Path(corpus)
    elif gold and any(gold_dir.glob("*.txt")):
        corpus_dir = gold_dir
    else:
        corpus_dir = CORPUS / "articles"
    golds = evaluate.load_gold(gold_dir)
    preds = {}
    for doc in golds:
        path = corpus_dir / f"{doc}.txt"
        try:
            # the gold's own date, where it gives one (a reviewed article's text has none)
            published = golds[doc].get("published") if isinstance(golds[doc], dict) else None
            preds[doc] = pipeline.as_json(pipeline.from_file(path, published=published))
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
@click.argument("record", required=False, type=click.Choice(sorted(RECORD_NAMES)))
def schema(record: str | None) -> None:
    """Print the JSON Schema of the records (all of them, or one).

    \b
    Example:
      partyfacts schema quantity
    """
    from .schemas import json_schema

    click.echo(json.dumps(json_schema(record), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
