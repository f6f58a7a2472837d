"""Run the ADV Suite benchmarks on a database built by build_data.py.

Usage (see benchmarks/bench):
    python measure.py <odoo-bin options> -d bench_s --size S --results FILE [--only NAME]

Without ``--only``, every measure runs in its own Python process (one after the other:
never two Odoo processes at once), so that peak memory belongs to one measure. A measure
is: one warm-up, then ``--repeat`` timed repetitions, then one repetition under
tracemalloc for the peak of Python memory. Every repetition runs in a transaction that
is rolled back, so the database is the same for each of them and after the run.
Query counts come from ``odoo.sql_db.sql_counter`` (every cursor, new cursors included).
"""

import argparse
import ast
import atexit
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
import traceback
import tracemalloc
import urllib.request
from datetime import date
from pathlib import Path

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import floors  # noqa: E402  (benchmarks/floors.py, next to this file)

# A measure whose warm-up takes longer is repeated once, without tracemalloc.
HEAVY_SECONDS = 60

# Mail goes to the queue only: no SMTP connection during a measure.
CONTEXT = {"mail_notify_force_send": False, "tracking_disable": False}


def today():
    return date.today()


# ---------------------------------------------------------------------------- measures
# Each measure is (setup, timed): setup(env) runs untimed inside the repetition's
# transaction and returns a state; timed(env, state) is measured and returns a dict of
# facts (record counts, numbers) reported with the timing.


def _company(env):
    return env.company


def oca_dunning_setup(env):
    policy = _company(env).credit_policy_id
    return env["credit.control.run"].create({"date": today(), "policy_ids": [(6, 0, policy.ids)]})


def oca_dunning(env, run):
    run.generate_credit_lines()
    env.flush_all()
    return {"lines": len(run.line_ids), "customers": len(run.line_ids.partner_id)}


def adv_dunning_setup(env):
    return env["adv.dunning.run"].create({"company_id": _company(env).id, "date": today()})


def adv_dunning(env, run):
    run.action_preview()
    env.flush_all()
    comms = run.communication_ids
    return {"communications": len(comms), "lines": len(comms.line_ids)}


def _html_letters():
    """Reports rendered as HTML, as Odoo does under tests: wkhtmltopdf needs an HTTP
    server for the letters' assets, which a benchmark script does not run. Set for both
    peers; the PDF conversion is an external process, outside what is compared."""
    config["test_enable"] = True


def adv_dunning_send_setup(env):
    _html_letters()
    run = adv_dunning_setup(env)
    run.action_preview()
    env.flush_all()
    return run


def adv_dunning_send(env, run):
    run.action_send()
    env.flush_all()
    # read before the count: reading a field may run its own query on the cursor
    communications = len(run.communication_ids)
    queued = env.execute_query(SQL("SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'"))
    return {"communications": communications, "queued_mails": queued[0][0]}


def oca_dunning_send_setup(env):
    _html_letters()
    run = oca_dunning_setup(env)
    run.generate_credit_lines()
    env.flush_all()
    return run


def oca_dunning_send(env, run):
    run.set_to_ready_lines()
    run.run_channel_action()
    env.flush_all()
    lines = len(run.line_ids)
    queued = env.execute_query(SQL("SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'"))
    return {"lines": lines, "queued_mails": queued[0][0]}


# ------------------------------------------------------- sending with PDF, mail queue
# Issue 15, point 2: the reminders e-mailed as the customer gets them, on both sides: the
# PDF rendered by wkhtmltopdf (its assets served by a real Odoo HTTP server on this
# database), the e-mail queued, then sent by the mail queue (``mail.mail.send``) to an
# SMTP sink. The same customers on both sides: the first ``BENCH_MAIL_CUSTOMERS`` (100)
# customers by id among those both peers remind; the others are left out before the
# timing. A sample and not every customer: wkhtmltopdf takes about a second per PDF
# here, the same on both sides, so every customer of M would take hours per repetition.
MAIL_CUSTOMERS = int(os.environ.get("BENCH_MAIL_CUSTOMERS", "100"))
HTTP_PORT = int(os.environ.get("BENCH_HTTP_PORT", "8176"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", str(HTTP_PORT + 17000)))
_mail_env = {}
ODOO_ARGS = []  # the odoo-bin options of this process (main), for the report server


def _report_server(env):
    """A real Odoo server on the benchmark database for wkhtmltopdf's assets (started once
    per process, stopped at exit), and the SMTP sink of scripts/fault_trials.py."""
    if "server" not in _mail_env:
        sys.path.insert(0, str(HERE.parent / "scripts"))
        from fault_trials import SmtpSink  # stdlib and psycopg2 only

        sink = SmtpSink(SMTP_PORT)
        sink.start()
        cmd = [
            sys.executable,
            os.path.join(os.environ.get("ODOO_SRC", "/opt/odoo"), "odoo-bin"),
            *ODOO_ARGS,
            f"--http-port={HTTP_PORT}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            "--workers=0",
            f"--db-filter=^{env.cr.dbname}$",
            "--log-level=warn",
        ]
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(server.kill)
        atexit.register(sink.stop)
        url = f"http://127.0.0.1:{HTTP_PORT}"
        for _i in range(120):
            try:
                urllib.request.urlopen(url + "/web/webclient/version_info", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        _mail_env.update(server=server, sink=sink, url=url)
    _mail_env["sink"].reset()
    config["test_enable"] = False  # real PDFs (see _html_letters)
    env["ir.config_parameter"].set_param("report.url", _mail_env["url"])
    env["ir.mail_server"].create(
        {"name": "bench sink", "smtp_host": "127.0.0.1", "smtp_port": SMTP_PORT, "sequence": 0}
    )
    return _mail_env["sink"]


def _mail_customers(env):
    """The sample: the first customers by id that both peers remind (their dunning at
    today's date without the other one's writes, as in dunning/adv and dunning/oca).
    Computed once per process: every repetition is rolled back, the sample stays."""
    if "customers" not in _mail_env:
        reminded = []
        for peer_run in (_adv_mail_run, _oca_mail_run):
            with env.cr.savepoint(flush=False) as sp:
                reminded.append(peer_run(env)[1])
                sp.rollback()
            env.invalidate_all()
        _mail_env["customers"] = sorted(set.intersection(*reminded))[:MAIL_CUSTOMERS]
    return _mail_env["customers"]


def _send_queue(env, sink):
    """Odoo's mail queue, without its commits (the repetition is rolled back)."""
    mails = env["mail.mail"].search([("state", "=", "outgoing")])
    mails.send(auto_commit=False, raise_exception=False)
    with sink.lock:
        received = list(sink.messages)
    return {
        "mails_received": len(received),
        "with_pdf": sum(1 for m in received if m["pdf"]),
        "recipients": len({r for m in received for r in m["rcpts"]}),
    }


def _adv_mail_run(env, customers=None):
    """ADV's run computed as in dunning/adv, its reminders of other customers cancelled.

    :return: (run, ids of the customers it reminds)"""
    run = adv_dunning_setup(env)
    adv_dunning(env, run)
    if customers is not None:
        run.communication_ids.filtered(lambda c: c.partner_id.id not in customers).action_cancel()
    return run, set(run.communication_ids.partner_id.ids)


def _oca_mail_run(env, customers=None):
    """OCA's run computed as in dunning/oca, only the lines of ``customers`` to send."""
    run = oca_dunning_setup(env)
    oca_dunning(env, run)
    if customers is not None:
        run.line_ids.filtered(
            lambda line: line.partner_id.commercial_partner_id.id in customers
        ).write({"state": "to_be_sent"})
    return run, set(run.line_ids.partner_id.commercial_partner_id.ids)


def _mail_setup(env, peer_run):
    customers = _mail_customers(env)
    sink = _report_server(env)
    run = peer_run(env, customers)[0]
    env.flush_all()
    return run, sink, customers


def adv_dunning_mail_setup(env):
    return _mail_setup(env, _adv_mail_run)


def adv_dunning_mail(env, state):
    run, sink, customers = state
    run.action_send()
    env.flush_all()
    sent = run.communication_ids.filtered(lambda c: c.state in ("sent", "pending"))
    return {"customers": len(customers), "reminders": len(sent), **_send_queue(env, sink)}


def oca_dunning_mail_setup(env):
    return _mail_setup(env, _oca_mail_run)


def oca_dunning_mail(env, state):
    run, sink, customers = state
    run.run_channel_action()
    env.flush_all()
    comms = env["credit.control.communication"].search(
        [("credit_control_line_ids.run_id", "=", run.id)]
    )
    return {"customers": len(customers), "reminders": len(comms), **_send_queue(env, sink)}


def dunning_floor(env, _state):
    return floors.dunning(env.cr, today(), _company(env).id)


def _conformity_order(env, key):
    ids = ast.literal_eval(env["ir.config_parameter"].get_param("bench.conformity_orders"))
    return env["sale.order"].browse(ids[key])


# Our five rule types equivalent to the sale_exception rules of build_data.py.
FIVE_RULES = ["price_below_pricelist", "max_discount", "product", "address", "credit_limit"]
ALL_RULES = [
    "price_below_pricelist",
    "max_discount",
    "product",
    "quantity",
    "payment_term",
    "address",
    "vat",
    "credit_limit",
    "overdue",
    "duplicate_ref",
    "lead_time",
    "domain",
]


def _adv_rules(env, types):
    """Only the given rule types active, one rule each, as a company would set them."""
    Rule = env["adv.conformity.rule"].with_context(active_test=False)
    Rule.search([]).write({"active": False})
    vals = []
    for rule_type in types:
        rule = {"name": rule_type, "rule_type": rule_type, "severity": "blocking"}
        if rule_type == "max_discount":
            rule["max_discount"] = 20.0
        if rule_type == "domain":
            rule.update(domain="[('amount_total', '>', 10000000)]", message="Too big")
        vals.append(rule)
    Rule.create(vals)
    env.flush_all()


def _expected_faulty(order):
    """{line id: fault} of the product lines build_data.py made faulty (30 % of the
    lines of a dirty order, one fault each), recomputed from the data: archived product,
    discount over 20 %, unit price under the list price."""
    faults = {}
    for line in order.order_line:
        if line.display_type:
            continue
        product = line.product_id
        if not product.active:
            faults[line.id] = "archived"
        elif line.discount > 20:
            faults[line.id] = "discount"
        elif line.price_unit < product.lst_price * (1 - 0.0001):
            faults[line.id] = "price_cut"
    return faults


def _line_facts(order, found, order_level):
    """Facts comparing the distinct lines named by one side with the expected ones
    (evaluated after the timing: the callables below share one computation)."""
    memo = {}

    def compute():
        if not memo:
            expected = _expected_faulty(order)
            lines, by_rule = found()
            missed = {}
            for line_id, fault in expected.items():
                if line_id not in lines:
                    missed[fault] = missed.get(fault, 0) + 1
            memo.update(
                lines_found=len(lines),
                faulty_expected=len(expected),
                faulty_found=len(lines & expected.keys()),
                faulty_missed=missed,
                lines_unexpected=len(lines - expected.keys()),
                lines_by_rule=by_rule,
                order_level=order_level(),
            )
        return memo

    return {
        key: (lambda key=key: compute()[key])
        for key in (
            "lines_found",
            "faulty_expected",
            "faulty_found",
            "faulty_missed",
            "lines_unexpected",
            "lines_by_rule",
            "order_level",
        )
    }


def _adv_unmerged(env, order):
    """The findings of the active rules on ``order`` before they are merged per (order,
    rule): the rule types' own output, one value per faulty line. Untimed."""
    rules = env["adv.conformity.rule"].search([("company_id", "in", [False, order.company_id.id])])
    vals_list = []
    for rule_type, type_rules in rules.grouped("rule_type").items():
        vals_list += getattr(type_rules, "_check_" + rule_type)(order)
    return vals_list


def make_adv_conformity(key, types):
    def setup(env):
        _adv_rules(env, types)
        # The order as built: no pricelist in the benchmark database, so the price rule
        # compares every product line, net of its discount, with the sales price (what
        # Odoo prices a line at without pricelist), within the company's tolerance.
        return _conformity_order(env, key)

    def timed(env, order):
        order.action_adv_check()
        env.flush_all()
        unmerged = []

        def found():
            unmerged[:] = _adv_unmerged(env, order)
            by_rule = {}
            for vals in unmerged:
                if vals["order_line_id"]:
                    rule_type = env["adv.conformity.rule"].browse(vals["rule_id"]).rule_type
                    by_rule.setdefault(rule_type, set()).add(vals["order_line_id"])
            lines = set().union(*by_rule.values())
            return lines, {rule_type: len(ids) for rule_type, ids in sorted(by_rule.items())}

        def order_level():
            # findings of the order itself (address, credit...), not of one line
            return sum(1 for vals in unmerged if not vals["order_line_id"])

        return {
            "findings": len(order.adv_finding_ids),
            "lines": len(order.order_line),
            **_line_facts(order, found, order_level),
        }

    return setup, timed


def make_oca_conformity(key):
    def setup(env):
        order = _conformity_order(env, key)
        # sale_exception stores what it finds on its own cursor (committed), and stops
        # at the order level when the order already carries exceptions: each repetition
        # starts from an order without exceptions, as a first detection does.
        with env.registry.cursor() as cr2:
            env2 = api.Environment(cr2, SUPERUSER_ID, CONTEXT)
            order2 = env2["sale.order"].browse(order.id)
            order2.order_line.write({"exception_ids": [Command.clear()]})
            order2.write({"exception_ids": [Command.clear()]})
        env.invalidate_all()
        return order

    def timed(env, order):
        # imported here: odoo.addons knows the peers' path once the config is parsed
        from odoo.addons.base_exception.exceptions import BaseExceptionError

        try:
            order.detect_exceptions()
        except BaseExceptionError:
            # sale_exception raises once the exceptions are stored (on its own cursor)
            # to roll the confirmation back and show its pop-up: detection is over.
            pass
        env.flush_all()

        # written and committed by sale_exception on its own cursor: the measuring
        # transaction (repeatable read) does not see them; read after the timing
        # (facts given as callables are evaluated untimed)
        def stored(query):
            with env.registry.cursor() as cr2:
                cr2.execute(query, {"id": order.id})
                return cr2.fetchall()

        def stored_exceptions():
            return stored(
                "SELECT (SELECT COUNT(*) FROM exception_rule_sale_order_rel"
                "         WHERE sale_order_id = %(id)s)"
                "     + (SELECT COUNT(*) FROM exception_rule_sale_order_line_rel r"
                "          JOIN sale_order_line l ON l.id = r.sale_order_line_id"
                "         WHERE l.order_id = %(id)s)"
            )[0][0]

        def found():
            rows = stored(
                "SELECT r.sale_order_line_id, e.name->>'en_US'"
                "  FROM exception_rule_sale_order_line_rel r"
                "  JOIN sale_order_line l ON l.id = r.sale_order_line_id"
                "  JOIN exception_rule e ON e.id = r.exception_rule_id"
                " WHERE l.order_id = %(id)s"
            )
            by_rule = {}
            for line_id, rule in rows:
                by_rule.setdefault(rule, set()).add(line_id)
            lines = {line_id for line_id, _rule in rows}
            return lines, {rule: len(ids) for rule, ids in sorted(by_rule.items())}

        def order_level():
            # exceptions of the order's own rules (address, credit); the line rules
            # that failed are also linked to the order, not counted here
            return stored(
                "SELECT COUNT(*) FROM exception_rule_sale_order_rel r"
                "  JOIN exception_rule e ON e.id = r.exception_rule_id"
                " WHERE r.sale_order_id = %(id)s AND e.model = 'sale.order'"
            )[0][0]

        return {
            "exceptions": stored_exceptions,
            "lines": len(order.order_line),
            **_line_facts(order, found, order_level),
        }

    return setup, timed


def kpi_period():
    end = today()
    start = end.replace(day=1) - floors.relativedelta(months=2)
    return start, end


def kpi_setup(env):
    """The KPI service reading the dashboard's snapshot, built and committed once (the
    runner rolls back after each repetition: without the commit each one would build
    it again, which is what ``kpi_snapshot_build`` measures)."""
    kpi = env["adv.kpi"]
    tz = env["adv.kpi.report.mixin"]._kpi_tz()
    # the snapshot's tables in the shape of the code measured (a cache: init() drops and
    # recreates them when their version changed), without updating the module
    env["adv.kpi.snapshot"].init()
    env["adv.kpi.snapshot"]._kpi_snapshot_refresh(tz)
    env.cr.commit()
    return kpi


def kpi_live_setup(env):
    """The KPI service computing from the documents (no snapshot)."""
    # imported here: the addons path is set by then
    from odoo.addons.adv_base.tools import with_server_flag

    return with_server_flag(env["adv.kpi"], "adv_kpi_live")


def kpi_snapshot_build_setup(env):
    env.cr.execute("DELETE FROM adv_kpi_snap_state")
    return env["adv.kpi.report.mixin"]._kpi_tz()


def kpi_snapshot_build(env, tz):
    return {"built": env["adv.kpi.snapshot"]._kpi_snapshot_refresh(tz)}


def kpi_snapshot_day_setup(env):
    """A day of activity queued, as the triggers queue it: every invoice, credit note,
    payment, order, order line and delivery of the last day with documents, and the
    receivable days they touch."""
    kpi_setup(env)
    env.cr.execute("SELECT MAX(date) FROM account_move WHERE state = 'posted'")
    day = env.cr.fetchone()[0]
    env.cr.execute(
        """
        INSERT INTO adv_kpi_snap_dirty (kind, company_id, day, res_id)
        SELECT 'move', NULL, NULL, id FROM account_move WHERE date = %(day)s
         UNION ALL
        SELECT DISTINCT 'day', company_id, date, NULL::int FROM account_move WHERE date = %(day)s
         UNION ALL
        SELECT 'order', NULL, NULL, id FROM sale_order WHERE date_order::date = %(day)s
         UNION ALL
        SELECT 'line', NULL, NULL, sol.id FROM sale_order_line sol
          JOIN sale_order so ON so.id = sol.order_id WHERE so.date_order::date = %(day)s
         UNION ALL
        SELECT 'line', NULL, NULL, sale_line_id FROM stock_move
         WHERE sale_line_id IS NOT NULL AND date::date = %(day)s
        """,
        {"day": day},
    )
    env.cr.execute("SELECT kind, COUNT(*) FROM adv_kpi_snap_dirty GROUP BY kind")
    queued = dict(env.cr.fetchall())  # before _kpi_tz, which may query the cursor
    return env["adv.kpi.report.mixin"]._kpi_tz(), queued


def kpi_snapshot_day(env, state):
    tz, queued = state
    return {"refreshed": env["adv.kpi.snapshot"]._kpi_snapshot_refresh(tz), "queued": queued}


def kpi_compute(env, kpi):
    return {"kpis": floors.jsonable(kpi.compute_kpis(*kpi_period()))}


def kpi_dashboard(env, kpi):
    data = kpi.get_dashboard_data(*kpi_period())
    return {"keys": len(data["current"])}


def make_kpi_part(name, snapshot=False):
    """One of our KPI methods alone, to compare with its floor query: computed from the
    documents, or read from the snapshot (brought up to date first, nothing queued)."""

    def timed(env, kpi):
        scope = kpi._kpi_scope(*kpi_period())
        scope["snapshot"] = kpi._kpi_snapshot_prepare(scope) if snapshot else None
        method = {
            "receivable": kpi._kpi_receivable_figures,
            "dso_countback": kpi._kpi_dso_countback,
            "dispute_rate": kpi._kpi_dispute_rate,
            "otif": kpi._kpi_otif,
            "order_cycle": kpi._kpi_order_cycle,
            "revenue": kpi._kpi_revenue,
            "backlog": kpi._kpi_backlog,
            "productivity": kpi._kpi_productivity,
        }[name]
        return {"value": floors.jsonable(method(scope))}

    return kpi_setup, timed


def make_kpi_floor(name):
    def timed(env, _state):
        start, end = kpi_period()
        return {"value": floors.jsonable(floors.KPI[name](env, start, end))}

    return (lambda env: None), timed


KPI_PARTS = [
    "receivable",
    "dso_countback",
    "dispute_rate",
    "otif",
    "order_cycle",
    "revenue",
    "backlog",
    "productivity",
]

MEASURES = {
    "dunning/oca": (oca_dunning_setup, oca_dunning),
    "dunning/adv": (adv_dunning_setup, adv_dunning),
    "dunning/floor": ((lambda env: None), dunning_floor),
    "dunning_send/oca": (oca_dunning_send_setup, oca_dunning_send),
    "dunning_send/adv": (adv_dunning_send_setup, adv_dunning_send),
    "dunning_mail/oca": (oca_dunning_mail_setup, oca_dunning_mail),
    "dunning_mail/adv": (adv_dunning_mail_setup, adv_dunning_mail),
}
for _n in (10, 100, 300):
    for _kind in ("clean", "dirty"):
        _key = f"{_n}_{_kind}"
        MEASURES[f"conformity_{_key}/oca"] = make_oca_conformity(_key)
        MEASURES[f"conformity_{_key}/adv"] = make_adv_conformity(_key, FIVE_RULES)
        MEASURES[f"conformity_{_key}/adv_all12"] = make_adv_conformity(_key, ALL_RULES)
MEASURES["kpi_all/adv"] = (kpi_setup, kpi_compute)
MEASURES["kpi_dashboard/adv"] = (kpi_setup, kpi_dashboard)
MEASURES["kpi_all/live"] = (kpi_live_setup, kpi_compute)
MEASURES["kpi_dashboard/live"] = (kpi_live_setup, kpi_dashboard)
MEASURES["kpi_snapshot_build/adv"] = (kpi_snapshot_build_setup, kpi_snapshot_build)
MEASURES["kpi_snapshot_day/adv"] = (kpi_snapshot_day_setup, kpi_snapshot_day)
for _part in KPI_PARTS:
    MEASURES[f"kpi_{_part}/adv"] = make_kpi_part(_part)
    MEASURES[f"kpi_{_part}/snapshot"] = make_kpi_part(_part, snapshot=True)
    MEASURES[f"kpi_{_part}/floor"] = make_kpi_floor(_part)


# ---------------------------------------------------------------------------- runner


def run_one(dbname, name, repeat):
    setup, timed = MEASURES[name]
    registry = Registry(dbname)
    walls, queries, facts = [], [], None
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        peak = 0

        def once(trace=False):
            nonlocal peak
            env.invalidate_all()
            state = setup(env)
            env.flush_all()
            if trace:
                tracemalloc.start()
            q0 = sql_db.sql_counter
            t0 = time.perf_counter()
            result = timed(env, state)
            wall = time.perf_counter() - t0
            count = sql_db.sql_counter - q0
            if trace:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            result = {k: v() if callable(v) else v for k, v in result.items()}
            cr.rollback()
            env.invalidate_all()
            return wall, count, result

        warm_wall = once()[0]  # warm-up: registry caches, PostgreSQL buffers
        heavy = warm_wall > HEAVY_SECONDS
        if heavy:
            # minutes per repetition (OCA's dunning at L): one timed repetition, and the
            # peak memory of the process (max RSS) instead of a repetition under
            # tracemalloc, which would double its time
            repeat = 1
        if os.environ.get("BENCH_PROFILE"):
            # where the time goes: BENCH_PROFILE=/tmp/profile.txt benchmarks/bench run S
            profiler = cProfile.Profile()
            profiler.enable()
            once()
            profiler.disable()
            with open(os.environ["BENCH_PROFILE"], "a", encoding="utf-8") as out:
                out.write(f"\n===== {name}\n")
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(50)
                stats.sort_stats("tottime").print_stats(25)
        for _i in range(repeat):
            wall, count, facts = once()
            walls.append(wall)
            queries.append(count)
        if not heavy:
            once(trace=True)
    return {
        "measure": name,
        "median_s": statistics.median(walls),
        "walls_s": walls,
        "queries": int(statistics.median(queries)),
        "peak_py_mb": peak / 2**20 if not heavy else None,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "facts": facts,
    }


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="comma-separated measure names, or prefixes")
    parser.add_argument("--child", action="store_true")
    args, odoo_args = parser.parse_known_args(argv)
    ODOO_ARGS[:] = odoo_args
    config.parse_config(odoo_args)
    dbname = config["db_name"]
    if isinstance(dbname, list):
        dbname = dbname[0]
    names = list(MEASURES)
    if args.only:
        wanted = args.only.split(",")
        names = [n for n in names if any(n == w or n.startswith(w) for w in wanted)]
        if args.child:
            names = [n for n in names if n in wanted]
    if args.child:
        for name in names:
            try:
                res = run_one(dbname, name, args.repeat)
            except Exception:  # reported; the other measures go on
                res = {"measure": name, "error": traceback.format_exc()}
            print("BENCH " + json.dumps(res, default=str), flush=True)
        sql_db.close_all()
        return
    path = Path(args.results)
    results = json.loads(path.read_text()) if path.exists() else {}
    results.setdefault("measures", {})
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        stats = env["ir.config_parameter"].get_param("bench.build_stats")
        results["build"] = ast.literal_eval(stats)
    sql_db.close_all()
    # One process per group of measures (peer, ADV and floor of the same thing), one
    # after the other: a crash or a leak stays in its group.
    groups = {}
    for name in names:
        groups.setdefault(name.split("/")[0], []).append(name)
    argv = [a for i, a in enumerate(argv) if a != "--only" and (i == 0 or argv[i - 1] != "--only")]
    for group, members in groups.items():
        cmd = [sys.executable, __file__, *argv, "--only", ",".join(members), "--child"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ, check=False)
        done = {}
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH "):
                res = json.loads(line[6:])
                done[res["measure"]] = res
        for name in members:
            res = done.get(name)
            if res and "error" in res:
                print(f"{name}: FAILED\n  " + res["error"][-3000:], flush=True)
                results["measures"][name] = res
                continue
            if not res:
                err = (proc.stderr or "").strip().splitlines()[-6:]
                print(f"{name}: FAILED\n  " + "\n  ".join(err), flush=True)
                results["measures"][name] = {"measure": name, "error": "\n".join(err)}
                continue
            results["measures"][name] = res
            print(
                f"{name}: {res['median_s'] * 1000:.1f} ms, {res['queries']} queries, "
                f"{res['peak_py_mb'] or 0:.1f} MB py peak {json.dumps(res['facts'])[:300]}",
                flush=True,
            )
        print(f"  ({group}: {time.perf_counter() - t0:.0f} s)", flush=True)
        results["size"] = args.size
        path.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
