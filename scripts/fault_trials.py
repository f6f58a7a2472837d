#!/usr/bin/env python3
"""Fault trials of the nightly runs (issue 13, point 6): kill, mail outage, PDF failure, race.

Not part of ``scripts/adv test``: a measuring harness, run by hand (or by a nightly job) with
the project venv's python. It only uses the standard library and psycopg2 (in the venv); Odoo
itself runs as real ``odoo-bin`` processes (server, ``shell``), never imported here.

What it does
------------
1. Template (built once, reused; ``--rebuild`` forces it):

   * ``adv_trial_stage``: ``base`` with French, the company made French
     (``scripts/adv_demo_company.py``), ``l10n_fr_account``, then the six addons
     ``adv_base,adv_orders,adv_dunning,adv_disputes,adv_kpi,adv_orders_dunning``, all
     ``--without-demo=all`` (about 6 minutes, kept so that the data can be regenerated);
   * ``adv_trial_template_c<customers>_o<orders>_s<seed>``: a copy of the stage plus
     generated data (``odoo-bin shell`` fed with a script on stdin, 10 to 30 seconds): the
     standard French reminder policy and both nightly switches on
     (``adv_dunning_policy_id``, ``adv_dunning_run_enabled``, ``adv_invoicing_run_enabled``),
     one outgoing mail server pointing to the SMTP sink of this script, ``--customers``
     customers (``relance-NNN@trial.example``) with one to three posted invoices 4 days
     before to 60 days after their due date, and ``--orders`` confirmed and fully delivered
     sale orders (one per customer, ``commande-NNN@trial.example``, 30 days terms, invoiced
     on delivery). Every other scheduled action is pushed one day ahead, users get their
     notifications in Odoo (no follower copy in the sink).

2. A reference trial (no fault) on a copy of the template gives the expected outcome: the
   customers reminded, the orders invoiced, the recipients e-mailed, and the run duration
   from which kill delays are drawn. It is stored in ``OUT/reference_<template>.json`` and
   recomputed when the template or the day changes.

3. Each trial: ``createdb -T`` the template (and copy its filestore), make the two nightly
   crons due now (``adv_dunning.ir_cron_adv_dunning_run``,
   ``adv_orders.ir_cron_adv_invoicing_run``), start a real server (``--workers 2
   --max-cron-threads 2``, HTTP port 8178, ``nice -n 10``), inject the fault, wait until both
   crons are rescheduled in the future and no worker holds them (independent of the runs'
   internals: works as well with the cron progress API, which reschedules "partially done"
   jobs at once), make the mail queue (``mail.ir_cron_mail_scheduler_action``) due and wait
   until no mail is ``outgoing``, stop the server, count, drop the database.

Fault modes (``--mode``, comma-separated or ``all``)
----------------------------------------------------
``kill``       SIGKILL of the whole server process group (workers, cron workers, wkhtmltopdf)
               after a random delay drawn uniformly between the moment the reference saw the
               first run appear and the moment it saw both done; immediate restart.
``mail-down``  The SMTP sink is not listening while the runs work and while the mail queue
               runs once; then it listens again and the mail queue runs again.
``pdf-fail``   ``PATH`` starts with a fake ``wkhtmltopdf`` (answers ``--version``, exits 2 on
               any rendering) while the runs work (the first night, whose outcome is kept in
               the trial's ``first_night``); then the next night: the runs of the day and
               their reminders are dated the day before (both runs are one per day), the
               server restarts with the real one, the crons run again and the mail queue
               runs. Everything the first night could not deliver must be delivered then.
``kill-mail``  The runs end without fault; then SIGKILL of the server while the mail queue
               sends their e-mails: 0 to 50 ms after the sink answered "250" to the k-th
               e-mail (k drawn from the first not sent yet to all but one), restart, the
               mail queue runs again.
``race``       The server's cron workers and two ``odoo-bin shell`` processes calling
               ``_cron_run()`` and ``_cron_run_invoicing()`` (in opposite orders) start at the
               same moment on the same database.

Counts (per trial, summed over the trials of a mode)
----------------------------------------------------
``rem_dup``    reminders beyond one per customer and day in state sent/pending
               (``adv_dunning_communication``);
``rem_miss``   customers reminded by the reference and without a sent/pending reminder;
``inv_dup``    orders with more than one (non-cancelled) customer invoice, or a line
               invoiced beyond its delivered quantity;
``inv_miss``   orders invoiced (posted) by the reference and without a posted invoice;
``rmail_dup`` / ``imail_dup``  reminder / invoice e-mails received by the sink beyond one
               per recipient (each customer expects exactly one);
``rmail_miss`` / ``imail_miss``  recipients e-mailed in the reference and not in the trial;
``nopdf``      e-mails received without a PDF attachment;
``not_done``   trials whose runs of the day did not all end in done/cancel
               (an invoicing run left ``running`` after a kill counts here too).

Usage
-----
    ~/.cache/adv-suite/venv-3.12/bin/python scripts/fault_trials.py \
        --mode all --trials 5 --seed 13

    # hold the next trial / go on (a trial under way is never paused):
    touch /tmp/adv_trials/PAUSE; rm /tmp/adv_trials/PAUSE

    # later, 100 trials of one mode:
    ~/.cache/adv-suite/venv-3.12/bin/python scripts/fault_trials.py --mode kill --trials 100

``--mode all`` runs every mode, ``kill-mail`` included. Results go to ``--out`` (default
``/tmp/adv_trials``): ``summary.json`` (per mode and per
trial, with details such as the duplicated customers), ``summary.md`` (the markdown table of
RELIABILITY.md), ``<db>.log`` (server logs of failed trials, or all with ``--keep-logs``).
Options: ``--customers``, ``--orders`` (template size), ``--rebuild``, ``--keep-dbs``,
``--timeout`` (seconds per phase), ``--smtp-port``, ``--http-port`` (8178), ``--gevent-port``
(the websocket port of the multi-worker server, default HTTP port + 1000: two harnesses, or a
harness and another multi-worker Odoo, must not share Odoo's default 8072).
Environment: ODOO_SRC (/opt/odoo), ADV_VENV, PGHOST/PGPORT/PGUSER/PGPASSWORD as scripts/adv,
ADV_DATA_DIR (filestore root, default ~/.local/share/Odoo).
"""

import argparse
import contextlib
import datetime
import email
import email.policy
import json
import os
import random
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo")
PG = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": os.environ.get("PGPORT", "5432"),
    "user": os.environ.get("PGUSER", "odoo"),
    "password": os.environ.get("PGPASSWORD", "odoo"),
}
DATA_DIR = os.environ.get("ADV_DATA_DIR", os.path.expanduser("~/.local/share/Odoo"))
ADDONS = "adv_base,adv_orders,adv_dunning,adv_disputes,adv_kpi,adv_orders_dunning"
STAGE_DB = "adv_trial_stage"
TEMPLATE_DB = "adv_trial_template"  # + _c<customers>_o<orders>_s<seed>, set in main()
MODES = ("kill", "mail-down", "pdf-fail", "race", "kill-mail")
CRONS = ("adv_dunning.ir_cron_adv_dunning_run", "adv_orders.ir_cron_adv_invoicing_run")
MAIL_CRON = "mail.ir_cron_mail_scheduler_action"
REM_PREFIX = "relance-"
INV_PREFIX = "commande-"


def log(msg):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


def venv_python():
    venv = os.environ.get("ADV_VENV") or os.path.expanduser("~/.cache/adv-suite/venv-3.12")
    return os.path.join(venv, "bin", "python")


def odoo_cmd(*args):
    command = [args[0]] if args and args[0] == "shell" else []
    args = args[len(command) :]
    return [
        "nice",
        "-n",
        "10",
        venv_python(),
        os.path.join(ODOO_SRC, "odoo-bin"),
        *command,
        f"--addons-path={ODOO_SRC}/addons,{ROOT}",
        f"--db_host={PG['host']}",
        f"--db_port={PG['port']}",
        f"--db_user={PG['user']}",
        f"--db_password={PG['password']}",
        f"--data-dir={DATA_DIR}",
        *args,
    ]


def pg_env():
    env = dict(os.environ)
    env.update(
        PGHOST=PG["host"], PGPORT=str(PG["port"]), PGUSER=PG["user"], PGPASSWORD=PG["password"]
    )
    return env


def connect(db):
    conn = psycopg2.connect(dbname=db, **PG)
    conn.autocommit = True
    return conn


def sql(db, query, params=None):
    with contextlib.closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall() if cr.description else None


def db_exists(db):
    return bool(sql("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [db]))


def drop_db(db):
    subprocess.run(["dropdb", "--if-exists", "--force", db], env=pg_env(), check=True)
    shutil.rmtree(os.path.join(DATA_DIR, "filestore", db), ignore_errors=True)


def copy_db(src, dst):
    drop_db(dst)
    subprocess.run(["createdb", "-T", src, dst], env=pg_env(), check=True)
    src_fs = os.path.join(DATA_DIR, "filestore", src)
    if os.path.isdir(src_fs):
        shutil.copytree(src_fs, os.path.join(DATA_DIR, "filestore", dst))


def copy_for_trial(db, args):
    """A copy of the template whose outgoing mail server is this harness's own sink: the
    template keeps the port of the harness that built it, and two harnesses side by side
    (two ``--smtp-port``) on one template would each receive the other's e-mails."""
    copy_db(TEMPLATE_DB, db)
    sql(
        db,
        "UPDATE ir_mail_server SET smtp_port = %s WHERE smtp_host = '127.0.0.1'",
        [args.smtp_port],
    )


# ----------------------------------------------------------------------------------------
# SMTP sink
# ----------------------------------------------------------------------------------------


class SmtpSink:
    """A minimal SMTP server (stdlib only): every message is recorded with its envelope
    recipients, Message-Id, subject and attachment types. ``start()``/``stop()`` open and
    close the listening socket (mail-down mode)."""

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.lock = threading.Lock()
        self.server = None
        self.accepted = 0  # messages answered "250" (a message can be received, not answered)
        self.target = None
        self.reached = threading.Event()

    def reset(self):
        with self.lock:
            self.messages = []
            self.accepted = 0
            self.target = None
            self.reached.clear()

    def expect(self, count):
        """``reached`` is set once ``count`` messages have been answered "250"."""
        with self.lock:
            self.target = count
            self.reached.clear()
            if self.accepted >= count:
                self.reached.set()

    def _answered(self):
        with self.lock:
            self.accepted += 1
            if self.target and self.accepted >= self.target:
                self.reached.set()

    def record(self, rcpts, data):
        msg = email.message_from_bytes(data, policy=email.policy.default)
        attachments = [
            part.get_content_type()
            for part in msg.walk()
            if part.get_content_disposition() in ("attachment", "inline")
            and part.get_content_type() != "text/html"
        ]
        with self.lock:
            self.messages.append(
                {
                    "rcpts": [r.lower() for r in rcpts],
                    "message_id": str(msg.get("Message-Id", "")),
                    "subject": str(msg.get("Subject", "")),
                    "objects": str(msg.get("X-Odoo-Objects", "")),
                    "pdf": "application/pdf" in attachments,
                    "at": time.time(),
                }
            )

    def start(self):
        if self.server:
            return
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.send("220 adv-trials sink")
                rcpts = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode("latin-1").strip()
                    verb = cmd[:4].upper()
                    if verb == "EHLO":
                        self.send("250-adv-trials\r\n250-8BITMIME\r\n250 SMTPUTF8")
                    elif verb == "HELO":
                        self.send("250 adv-trials")
                    elif verb == "MAIL":
                        rcpts = []
                        self.send("250 OK")
                    elif verb == "RCPT":
                        rcpts.append(cmd.split(":", 1)[1].strip().strip("<>").split(">")[0])
                        self.send("250 OK")
                    elif verb == "DATA":
                        self.send("354 go on")
                        chunks = []
                        while True:
                            chunk = self.rfile.readline()
                            if not chunk:
                                # The sender died during the transfer (a kill): it never
                                # got "250", and no mail server delivers a message cut
                                # short. Counting it made a cut copy (without its PDF)
                                # and the complete one sent after the restart look like
                                # an e-mail received twice.
                                return
                            if chunk in (b".\r\n", b".\n"):
                                break
                            if chunk.startswith(b".."):
                                chunk = chunk[1:]
                            chunks.append(chunk)
                        # Answered as soon as the message is in memory, parsed after:
                        # a mail server answers once it has stored the message, and
                        # parsing first (tens of ms for a message with its PDF) widened
                        # the window in which a sender killed cannot know that the
                        # message was accepted (RFC 1047), which kill-mail aims at.
                        self.send("250 queued")
                        sink._answered()
                        sink.record(rcpts, b"".join(chunks))
                    elif verb == "QUIT":
                        self.send("221 bye")
                        return
                    elif verb in ("RSET", "NOOP"):
                        self.send("250 OK")
                    else:
                        self.send("502 not implemented")

            def send(self, text):
                self.wfile.write(text.encode() + b"\r\n")
                self.wfile.flush()

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


# ----------------------------------------------------------------------------------------
# Template
# ----------------------------------------------------------------------------------------

GENERATE = r"""
import random
from datetime import timedelta
from odoo import fields

rnd = random.Random(SEED)
company = env.ref("base.main_company")
today = fields.Date.context_today(env.user)
env["ir.cron"].with_context(active_test=False).search([]).write(
    {"nextcall": fields.Datetime.now() + timedelta(days=1)}
)
env["res.users"].search([("share", "=", False)]).write({"notification_type": "inbox"})
env["ir.mail_server"].search([]).unlink()
env["ir.mail_server"].create({
    "name": "ADV trials SMTP sink", "smtp_host": "127.0.0.1", "smtp_port": SMTP_PORT,
    "smtp_encryption": "none", "sequence": 1,
})
company.write({
    "adv_dunning_policy_id": env.ref("adv_dunning.policy_fr_default").id,
    "adv_dunning_run_enabled": True,
    "adv_invoicing_run_enabled": True,
    "adv_invoicing_rhythm_default": "delivery",
})
france = env.ref("base.fr")
term30 = env.ref("account.account_payment_term_30days")
cities = [("44000", "Nantes"), ("69002", "Lyon"), ("33000", "Bordeaux"), ("59000", "Lille"),
          ("13001", "Marseille"), ("35000", "Rennes"), ("31000", "Toulouse")]

def address(i):
    zip_code, city = cities[i % len(cities)]
    return {"street": f"{i} rue de la République", "zip": zip_code, "city": city,
            "country_id": france.id, "lang": "fr_FR", "is_company": True}

service = env["product.product"].create({
    "name": "Prestation de maintenance", "type": "service", "list_price": 480.0,
    "invoice_policy": "order",
})
products = env["product.product"].create([
    {"name": name, "type": "consu", "list_price": price, "invoice_policy": "delivery"}
    for name, price in [("Palette de granulés", 289.0), ("Carton de ramettes", 42.5),
                        ("Fût d'huile 200 L", 610.0), ("Lot de gants", 18.9),
                        ("Caisse à outils", 129.0)]
])

# Customers with posted invoices at various ages (days after due date; -4: not yet due).
ages = [-4, -2, 2, 5, 9, 17, 22, 31, 38, 47, 55, 60]
dun_partners = env["res.partner"].create([
    dict(address(i), name=f"Client relance {i:03d}", email=f"relance-{i:03d}@trial.example",
         company_registry=f"{400000000 + i}" if i % 3 else False)
    for i in range(1, N_CUSTOMERS + 1)
])
move_vals = []
for partner in dun_partners:
    for _n in range(rnd.randint(1, 3)):
        age = rnd.choice(ages)
        move_vals.append({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": today - timedelta(days=30 + age),
            "invoice_payment_term_id": term30.id,
            "invoice_line_ids": [(0, 0, {"product_id": service.id, "quantity": rnd.randint(1, 4),
                                         "price_unit": rnd.choice([120.0, 480.0, 975.0])})],
        })
moves = env["account.move"].create(move_vals)
moves.action_post()
env.cr.commit()
print("GEN invoices posted:", len(moves))

# Customers with one confirmed, fully delivered order each, invoiced by the nightly run.
ord_partners = env["res.partner"].create([
    dict(address(i), name=f"Client commande {i:03d}", email=f"commande-{i:03d}@trial.example",
         property_payment_term_id=term30.id)
    for i in range(1, N_ORDERS + 1)
])
orders = env["sale.order"].create([
    {"partner_id": partner.id, "payment_term_id": term30.id,
     "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": rnd.randint(1, 12)})
                    for product in products.browse(rnd.sample(products.ids, rnd.randint(1, 3)))]}
    for partner in ord_partners
])
orders.action_confirm()
for picking in orders.picking_ids:
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
    picking.move_ids.picked = True
    picking.button_validate()
env.cr.commit()
held = orders.filtered("adv_hold")
print("GEN orders:", len(orders), "held:", len(held),
      "to invoice:", len(orders.filtered(lambda o: o.invoice_status == "to invoice")))
print("GEN_OK")
"""


def build_stage():
    log(f"building {STAGE_DB}: base, French company, l10n_fr_account, the suite (no demo)")
    drop_db(STAGE_DB)
    tmp = STAGE_DB + "__creating"
    drop_db(tmp)
    common = ["-d", tmp, "--without-demo=all", "--stop-after-init", "--http-port=8178"]
    common += ["--log-level=warn", "--max-cron-threads=0"]
    subprocess.run(odoo_cmd(*common, "-i", "base", "--load-language=fr_FR"), check=True)
    subprocess.run(
        [
            venv_python(),
            os.path.join(ROOT, "scripts", "adv_demo_company.py"),
            f"--addons-path={ODOO_SRC}/addons,{ROOT}",
            f"--db_host={PG['host']}",
            f"--db_port={PG['port']}",
            f"--db_user={PG['user']}",
            f"--db_password={PG['password']}",
            f"--data-dir={DATA_DIR}",
            "-d",
            tmp,
        ],
        env=dict(os.environ, PYTHONPATH=ODOO_SRC),
        check=True,
    )
    subprocess.run(odoo_cmd(*common, "-i", "l10n_fr_account"), check=True)
    subprocess.run(odoo_cmd(*common, "-i", ADDONS), check=True)
    copy_db(tmp, STAGE_DB)
    drop_db(tmp)


def build_template(args):
    if args.rebuild or not db_exists(STAGE_DB):
        build_stage()
    log(f"building {TEMPLATE_DB}: {args.customers} customers to remind, {args.orders} orders")
    tmp = TEMPLATE_DB + "__creating"
    copy_db(STAGE_DB, tmp)
    code = (
        GENERATE.replace("SEED", str(args.seed))
        .replace("SMTP_PORT", str(args.smtp_port))
        .replace("N_CUSTOMERS", str(args.customers))
        .replace("N_ORDERS", str(args.orders))
    )
    started = time.time()
    out = subprocess.run(
        odoo_cmd("shell", "-d", tmp, "--log-level=warn", "--max-cron-threads=0"),
        input=code,
        text=True,
        capture_output=True,
    )
    print("\n".join(line for line in out.stdout.splitlines() if line.startswith("GEN")))
    if "GEN_OK" not in out.stdout:
        print(out.stdout[-3000:], out.stderr[-5000:], file=sys.stderr)
        raise SystemExit("data generation failed")
    log(f"data generated in {time.time() - started:.0f}s")
    drop_db(TEMPLATE_DB)
    copy_db(tmp, TEMPLATE_DB)
    drop_db(tmp)
    sql(
        TEMPLATE_DB,
        "CREATE TABLE IF NOT EXISTS adv_trial_meta (built timestamp, seed int, customers int, "
        "orders int); INSERT INTO adv_trial_meta VALUES (now(), %s, %s, %s)",
        [args.seed, args.customers, args.orders],
    )


def template_stamp():
    rows = sql(TEMPLATE_DB, "SELECT built::text, seed, customers, orders FROM adv_trial_meta")
    return rows[-1]


# ----------------------------------------------------------------------------------------
# Server and database helpers
# ----------------------------------------------------------------------------------------


class Server:
    def __init__(self, db, args, logpath, env=None):
        self.db, self.args, self.logpath, self.env = db, args, logpath, env
        self.proc = None

    def start(self):
        cmd = odoo_cmd(
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.args.http_port}",
            f"--gevent-port={self.args.gevent_port}",
            "--workers=2",
            "--max-cron-threads=2",
            "--limit-time-real-cron=1800",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
            "--limit-memory-soft=2147483648",
            "--limit-memory-hard=2684354560",
            f"--logfile={self.logpath}",
            "--log-level=info",
        )
        self.proc = subprocess.Popen(
            cmd, start_new_session=True, env=self.env, stdout=subprocess.DEVNULL
        )
        self.started = time.time()

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
        if self.proc:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(30)
        # any child left in the group (wkhtmltopdf, workers)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(40)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


def cron_ids(db, xmlids):
    ids = []
    for xmlid in xmlids:
        module, name = xmlid.split(".")
        rows = sql(
            db,
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s AND model='ir.cron'",
            [module, name],
        )
        ids.append(rows[0][0])
    return ids


def make_due(db, ids):
    sql(
        db,
        "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') - interval '1 minute', "
        "active = TRUE, failure_count = 0, first_failure_date = NULL WHERE id = ANY(%s)",
        [ids],
    )
    nudge(db)


def nudge(db):
    """Wake the cron workers up (they LISTEN on the postgres database, else sleep 60 s):
    sent at every poll, since a notification sent before the workers listen is lost."""
    sql("postgres", "SELECT pg_notify('cron_trigger', %s)", [db])


def crons_finished(db, ids):
    """The jobs are rescheduled in the future and no cron worker holds them."""
    nudge(db)
    with contextlib.closing(psycopg2.connect(dbname=db, **PG)) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT id, nextcall > (now() AT TIME ZONE 'UTC') FROM ir_cron WHERE id = ANY(%s) "
            "FOR NO KEY UPDATE SKIP LOCKED",
            [ids],
        )
        rows = cr.fetchall()
        conn.rollback()
    return len(rows) == len(ids) and all(ok for _id, ok in rows)


def first_run_seen(db):
    nudge(db)
    return bool(
        sql(
            db,
            "SELECT 1 FROM adv_dunning_run UNION ALL SELECT 1 FROM adv_invoicing_run LIMIT 1",
        )
    )


def wait_for(predicate, timeout, step=1.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if predicate():
                return True
        except psycopg2.Error:
            pass
        time.sleep(step)
    return False


def unsent_invoices(db):
    return sql(
        db,
        "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' "
        "AND state = 'posted' AND is_move_sent IS NOT TRUE AND adv_invoicing_run_id IS NOT NULL",
    )[0][0]


def next_night(db):
    """Make it the next night for the runs: today's runs (and their reminders) are dated
    the day before, as if they had run yesterday. Both runs are one per company and day,
    so without this the crons would find today's runs over and do nothing."""
    sql(db, "UPDATE adv_dunning_communication SET date = date - 1")
    sql(db, "UPDATE adv_dunning_run SET date = date - 1")
    sql(db, "UPDATE adv_invoicing_run SET date = date - 1")


def outgoing_mails(db):
    return sql(db, "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'")[0][0]


def run_mail_queue(db, args, mail_cron):
    make_due(db, [mail_cron])
    return wait_for(
        lambda: crons_finished(db, [mail_cron]) and outgoing_mails(db) == 0,
        args.timeout,
        step=2,
    )


FAKE_WKHTMLTOPDF = """#!/bin/sh
# adv fault trials: a wkhtmltopdf that knows its version and renders nothing
for a in "$@"; do
    [ "$a" = "--version" ] && { echo "wkhtmltopdf 0.12.6 (with patched qt)"; exit 0; }
done
echo "adv fault trials: simulated wkhtmltopdf failure" >&2
exit 2
"""

RACE_SHELL = r"""
import traceback
for model, method in ORDER:
    try:
        getattr(env[model], method)()
        env.cr.commit()
        print("RACE", model, "ok")
    except Exception:
        env.cr.rollback()
        print("RACE", model, "raised", traceback.format_exc().splitlines()[-1])
"""


# ----------------------------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------------------------


def measure(db, sink_messages):
    """Business outcome of the runs, by SQL and from the sink."""
    out = {}
    rows = sql(
        db,
        "SELECT partner_id, date, count(*) FROM adv_dunning_communication "
        "WHERE state IN ('sent', 'pending') GROUP BY partner_id, date",
    )
    out["reminded"] = sorted({r[0] for r in rows})
    out["rem_dup_partners"] = sorted(r[0] for r in rows if r[2] > 1)
    out["rem_dup"] = sum(r[2] - 1 for r in rows)
    out["rem_failed"] = sql(
        db, "SELECT count(*) FROM adv_dunning_communication WHERE state = 'failed'"
    )[0][0]
    out["rem_draft"] = sql(
        db, "SELECT count(*) FROM adv_dunning_communication WHERE state = 'draft'"
    )[0][0]
    rows = sql(
        db,
        """SELECT sol.order_id, am.id, am.state
             FROM sale_order_line sol
             JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
             JOIN account_move_line aml ON aml.id = rel.invoice_line_id
             JOIN account_move am ON am.id = aml.move_id
            WHERE am.move_type = 'out_invoice' AND am.state != 'cancel'
            GROUP BY sol.order_id, am.id, am.state""",
    )
    per_order = Counter(r[0] for r in rows)
    over = sql(
        db,
        """SELECT sol.order_id, sol.id
             FROM sale_order_line sol
             JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
             JOIN account_move_line aml ON aml.id = rel.invoice_line_id
             JOIN account_move am ON am.id = aml.move_id
            WHERE am.move_type = 'out_invoice' AND am.state != 'cancel'
              AND aml.display_type = 'product'
            GROUP BY sol.order_id, sol.id, sol.qty_delivered
           HAVING sum(aml.quantity) > sol.qty_delivered""",
    )
    dup_orders = {o for o, n in per_order.items() if n > 1} | {r[0] for r in over}
    out["inv_dup_orders"] = sorted(dup_orders)
    out["inv_dup"] = len(dup_orders)
    out["inv_extra"] = sum(n - 1 for n in per_order.values())
    out["invoiced"] = sorted({r[0] for r in rows if r[2] == "posted"})
    out["inv_draft"] = len({r[1] for r in rows if r[2] == "draft"})
    out["to_invoice_left"] = sql(
        db, "SELECT count(*) FROM sale_order WHERE state = 'sale' AND invoice_status = 'to invoice'"
    )[0][0]
    out["runs"] = {
        "dunning": dict(sql(db, "SELECT state, count(*) FROM adv_dunning_run GROUP BY state")),
        "invoicing": dict(sql(db, "SELECT state, count(*) FROM adv_invoicing_run GROUP BY state")),
    }
    finish_states(out)
    out["mail_states"] = dict(sql(db, "SELECT state, count(*) FROM mail_mail GROUP BY state"))
    rcpt = Counter()
    ids = Counter()
    nopdf = 0
    for msg in sink_messages:
        for r in msg["rcpts"]:
            rcpt[r] += 1
        if msg["message_id"]:
            ids[msg["message_id"]] += 1
        if any(r.startswith((REM_PREFIX, INV_PREFIX)) for r in msg["rcpts"]) and not msg["pdf"]:
            nopdf += 1
    out["rem_mailed"] = sorted(r for r in rcpt if r.startswith(REM_PREFIX))
    out["inv_mailed"] = sorted(r for r in rcpt if r.startswith(INV_PREFIX))
    out["rmail_dup_rcpts"] = sorted(r for r in out["rem_mailed"] if rcpt[r] > 1)
    out["imail_dup_rcpts"] = sorted(r for r in out["inv_mailed"] if rcpt[r] > 1)
    out["rmail_dup"] = sum(rcpt[r] - 1 for r in out["rem_mailed"])
    out["imail_dup"] = sum(rcpt[r] - 1 for r in out["inv_mailed"])
    out["same_message_id_twice"] = sum(n - 1 for n in ids.values())
    out["nopdf"] = nopdf
    out["sink_total"] = len(sink_messages)
    return out


def finish_states(out):
    """``runs_done``: today's reminder run ended done/cancel and an invoicing run ended done;
    ``stale_runs``: runs left in another state (e.g. ``running`` after a kill)."""
    dunning, invoicing = out["runs"]["dunning"], out["runs"]["invoicing"]
    out["runs_done"] = bool(dunning.keys() & {"done", "cancel"} and "done" in invoicing)
    out["stale_runs"] = sum(n for st, n in dunning.items() if st not in ("done", "cancel")) + sum(
        n for st, n in invoicing.items() if st != "done"
    )


def compare(result, ref):
    def missing(key):
        return sorted(set(ref[key]) - set(result[key]))

    result["rem_miss_partners"] = missing("reminded")
    result["inv_miss_orders"] = missing("invoiced")
    result["rmail_miss_rcpts"] = missing("rem_mailed")
    result["imail_miss_rcpts"] = missing("inv_mailed")
    result["rem_miss"] = len(result["rem_miss_partners"])
    result["inv_miss"] = len(result["inv_miss_orders"])
    result["rmail_miss"] = len(result["rmail_miss_rcpts"])
    result["imail_miss"] = len(result["imail_miss_rcpts"])
    return result


COLUMNS = [
    "rem_dup",
    "rem_miss",
    "inv_dup",
    "inv_miss",
    "rmail_dup",
    "rmail_miss",
    "imail_dup",
    "imail_miss",
    "nopdf",
    "not_done",
    "stale_runs",
]


# a trial "with a fault": a business count (not a run row left unfinished)
FAULT_COLUMNS = [c for c in COLUMNS if c != "stale_runs"]

# ----------------------------------------------------------------------------------------
# Trials
# ----------------------------------------------------------------------------------------


def trial_db(mode, index):
    return f"adv_trial_{mode.replace('-', '_')}_{index}_{os.getpid()}"


def run_trial(mode, index, args, sink, ref, rnd):
    db = trial_db(mode, index)
    logpath = os.path.join(args.out, f"{db}.log")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(logpath)
    copy_for_trial(db, args)
    sink.reset()
    info = {"mode": mode, "trial": index, "db": db}
    run_ids = cron_ids(db, CRONS)
    (mail_cron,) = cron_ids(db, [MAIL_CRON])
    env = None
    fakedir = None
    if mode == "pdf-fail":
        fakedir = tempfile.mkdtemp(prefix="adv_fake_wk_")
        fake = os.path.join(fakedir, "wkhtmltopdf")
        with open(fake, "w") as f:
            f.write(FAKE_WKHTMLTOPDF)
        os.chmod(fake, 0o755)
        env = dict(os.environ, PATH=f"{fakedir}:{os.environ['PATH']}")
    if mode == "mail-down":
        sink.stop()
    make_due(db, run_ids)
    server = Server(db, args, logpath, env=env)
    t0 = time.time()
    server.start()
    shells = []
    try:
        if mode == "race":
            orders = [
                [("adv.dunning.run", "_cron_run"), ("adv.invoicing.run", "_cron_run_invoicing")],
                [("adv.invoicing.run", "_cron_run_invoicing"), ("adv.dunning.run", "_cron_run")],
            ]
            for order in orders:
                code = tempfile.TemporaryFile("w+")
                code.write(RACE_SHELL.replace("ORDER", repr(order)))
                code.seek(0)
                proc = subprocess.Popen(
                    odoo_cmd("shell", "-d", db, "--log-level=warn", "--max-cron-threads=0"),
                    stdin=code,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    start_new_session=True,
                )
                code.close()
                shells.append(proc)
        if mode == "kill":
            low, high = ref["t_first_run"], ref["t_done"]
            delay = rnd.uniform(low, high)
            info["kill_after"] = round(delay, 1)
            wait_for(lambda: nudge(db) or time.time() - t0 >= delay, delay + 1, step=0.2)
            # the kill fell while the runs worked: a run was created and a job is not done
            info["kill_hit"] = first_run_seen(db) and not crons_finished(db, run_ids)
            server.kill()
            info["kill_at"] = round(time.time() - t0, 1)
            server = Server(db, args, logpath)
            server.start()
        finished = wait_for(lambda: crons_finished(db, run_ids), args.timeout, step=1)
        for proc in shells:
            try:
                output = proc.communicate(timeout=args.timeout)[0]
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                output = proc.communicate()[0]
            info.setdefault("race_shells", []).append(
                [line for line in output.splitlines() if line.startswith("RACE")]
            )
        info["runs_seconds"] = round(time.time() - t0, 1)
        info["runs_timed_out"] = not finished
        if mode == "kill-mail":
            # The runs ended cleanly: kill while the mail queue sends their e-mails, just
            # after the mail server answered "250" to the k-th (k up to all but one),
            # plus 0 to 50 ms: the window between the mail server's answer and Odoo's
            # commit of the e-mail sent. A delay drawn from the reference's mail queue
            # duration (until session 8) fell after the last e-mail in most trials.
            # The runs wake the mail queue up after each batch: some e-mails may be sent
            # already, the kill aims at one of those still to send.
            expected = len(ref["rem_mailed"]) + len(ref["inv_mailed"])
            with sink.lock:
                already = sink.accepted
            info["mails_before_phase"] = already
            target = rnd.randint(min(already + 1, expected - 1), max(1, expected - 1))
            extra = rnd.uniform(0, 0.05)
            info["kill_after_mail"] = target
            info["kill_extra_s"] = round(extra, 3)
            sink.expect(target)
            make_due(db, [mail_cron])
            t_mail = time.time()
            while not sink.reached.wait(0.5) and time.time() - t_mail < args.timeout:
                nudge(db)
            time.sleep(extra)
            server.kill()
            with sink.lock:
                received = len(sink.messages)
            info["kill_hit"] = bool(received and outgoing_mails(db))
            info["kill_at"] = round(time.time() - t0, 1)
            info["mails_before_kill"] = received
            server = Server(db, args, logpath)
            server.start()
        if mode == "mail-down":
            # the mail queue runs once during the outage, then the sink is back
            run_mail_queue(db, args, mail_cron)
            sink.start()
        if mode == "pdf-fail":
            # The PDF engine is mended; the next night must deliver what the failed one
            # could not (reminders given back their level, invoices posted and not sent).
            server.stop()
            with sink.lock:
                first = measure(db, list(sink.messages))
            info["first_night"] = {
                "reminded": len(first["reminded"]),
                "rem_failed": first["rem_failed"],
                "invoiced": len(first["invoiced"]),
                "unsent_invoices": unsent_invoices(db),
                "mails": first["sink_total"],
                "runs": first["runs"],
            }
            next_night(db)
            make_due(db, run_ids)
            server = Server(db, args, logpath)
            server.start()
            second = wait_for(lambda: crons_finished(db, run_ids), args.timeout, step=1)
            info["runs_timed_out"] = info["runs_timed_out"] or not second
        info["mail_queue_ok"] = run_mail_queue(db, args, mail_cron)
        time.sleep(2)
    finally:
        server.stop()
        for proc in shells:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        sink.start()
        if fakedir:
            shutil.rmtree(fakedir, ignore_errors=True)
    info["seconds"] = round(time.time() - t0, 1)
    with sink.lock:
        messages = list(sink.messages)
    result = measure(db, messages)
    result.update(info)
    if ref.get("reminded") is not None:
        compare(result, ref)
    result["not_done"] = int(not result["runs_done"] or result["runs_timed_out"])
    bad = any(result.get(c) for c in COLUMNS)
    if not args.keep_dbs:
        drop_db(db)
    if not (bad or args.keep_logs):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(logpath)
    return result


def reference(args, sink):
    path = os.path.join(args.out, f"reference_{TEMPLATE_DB}.json")
    stamp = [str(x) for x in template_stamp()] + [datetime.date.today().isoformat()]
    if os.path.exists(path) and not args.rebuild:
        with open(path) as f:
            ref = json.load(f)
        if ref.get("stamp") == stamp:
            return ref
    log("reference trial (no fault) on a copy of the template")
    db = f"adv_trial_reference_{os.getpid()}"
    copy_for_trial(db, args)
    sink.reset()
    run_ids = cron_ids(db, CRONS)
    (mail_cron,) = cron_ids(db, [MAIL_CRON])
    make_due(db, run_ids)
    server = Server(db, args, os.path.join(args.out, f"{db}.log"))
    t0 = time.time()
    server.start()
    try:
        wait_for(lambda: first_run_seen(db), args.timeout, step=0.2)
        t_first = time.time() - t0
        if not wait_for(lambda: crons_finished(db, run_ids), args.timeout, step=0.5):
            raise SystemExit("reference: the runs did not finish in time")
        t_done = time.time() - t0
        run_mail_queue(db, args, mail_cron)
        t_mail = time.time() - t0 - t_done
        time.sleep(2)
    finally:
        server.stop()
    with sink.lock:
        messages = list(sink.messages)
    ref = measure(db, messages)
    if not (ref["rem_mailed"] and ref["inv_mailed"]):
        raise SystemExit(
            f"reference: the sink on port {args.smtp_port} received "
            f"{len(messages)} e-mail(s), none for a reminder or an invoice"
        )
    ref.update(stamp=stamp, t_first_run=round(t_first, 1), t_done=round(t_done, 1))
    ref["t_mail"] = round(t_mail, 1)
    ref["seconds"] = round(time.time() - t0, 1)
    if not args.keep_dbs:
        drop_db(db)
    with open(path, "w") as f:
        json.dump(ref, f, indent=1, default=str)
    log(
        f"reference: {len(ref['reminded'])} customers reminded, {len(ref['invoiced'])} orders "
        f"invoiced, {len(ref['rem_mailed'])} reminder and {len(ref['inv_mailed'])} invoice "
        f"e-mails; first run after {t_first:.1f}s, both done after {t_done:.1f}s; "
        f"duplicates in the reference itself: {ref['rem_dup']} reminders, {ref['inv_dup']} "
        f"invoices, {ref['rmail_dup']}+{ref['imail_dup']} e-mails"
    )
    return ref


def summarize(results, ref, args):
    by_mode = {}
    for res in results:
        row = by_mode.setdefault(
            res["mode"], dict(dict.fromkeys(COLUMNS, 0), trials=0, bad_trials=0, seconds=[])
        )
        row["trials"] += 1
        row["seconds"].append(res["seconds"])
        row["bad_trials"] += int(any(res.get(c) for c in FAULT_COLUMNS))
        for c in COLUMNS:
            row[c] += res.get(c, 0)
    header = (
        "| mode | trials | trials with a fault | reminders dup / missing | invoices dup / missing "
        "| reminder e-mails dup / missing | invoice e-mails dup / missing | e-mails without PDF "
        "| runs not done | runs left unfinished | s / trial |"
    )
    lines = [header, "|" + "---|" * 12]
    for mode, row in by_mode.items():
        secs = row["seconds"]
        lines.append(
            f"| {mode} | {row['trials']} | {row['bad_trials']} | {row['rem_dup']} / "
            f"{row['rem_miss']} | {row['inv_dup']} / {row['inv_miss']} | {row['rmail_dup']} / "
            f"{row['rmail_miss']} | {row['imail_dup']} / {row['imail_miss']} | {row['nopdf']} "
            f"| {row['not_done']} | {row['stale_runs']} | {sum(secs) / len(secs):.0f} |"
        )
        row["seconds_mean"] = round(sum(secs) / len(secs), 1)
        del row["seconds"]
    md = "\n".join(lines)
    expected = (
        f"Expected per trial (reference run): {len(ref['reminded'])} customers reminded, "
        f"{len(ref['rem_mailed'])} reminder e-mails, {len(ref['invoiced'])} orders invoiced "
        f"and e-mailed ({len(ref['inv_mailed'])} invoice e-mails); run duration "
        f"{ref['t_done']:.0f} s."
    )
    summary = {
        "command": " ".join(sys.argv),
        "seed": args.seed,
        "template": ref["stamp"],
        "reference": {
            k: ref[k] if not isinstance(ref[k], list) else len(ref[k])
            for k in ref
            if k not in ("stamp",)
        },
        "reference_full": ref,
        "modes": by_mode,
        "trials": results,
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, default=str)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(md + "\n\n" + expected + "\n")
    print()
    print(md)
    print()
    print(expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--mode", default="kill", help=f"{', '.join(MODES)}, comma-separated, or all"
    )
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--customers", type=int, default=150)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--rebuild", action="store_true", help="rebuild stage and template")
    parser.add_argument("--keep-dbs", action="store_true")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per phase")
    parser.add_argument("--smtp-port", type=int, default=25178)
    parser.add_argument("--http-port", type=int, default=8178)
    parser.add_argument(
        "--gevent-port", type=int, default=None, help="default: the HTTP port + 1000"
    )
    parser.add_argument("--out", default="/tmp/adv_trials")
    parser.add_argument(
        "--summary-from",
        metavar="SUMMARY_JSON",
        help="no trial: rewrite summary.md/json in --out from the trials of this file(s) "
        "(comma-separated, e.g. to merge several invocations)",
    )
    args = parser.parse_args()
    if args.summary_from:
        results, ref = [], None
        for path in args.summary_from.split(","):
            with open(path) as f:
                data = json.load(f)
            if not ref and data.get("reference_full"):
                ref = data["reference_full"]
            if not ref:  # summaries written before the reference was stored in them
                for name in sorted(os.listdir(os.path.dirname(os.path.abspath(path)))):
                    if name.startswith("reference_") and name.endswith(".json"):
                        with open(os.path.join(os.path.dirname(os.path.abspath(path)), name)) as f:
                            candidate = json.load(f)
                        if candidate.get("stamp") == data["template"]:
                            ref = candidate
            for res in data["trials"]:
                if "runs" in res:
                    finish_states(res)
                    res["not_done"] = int(not res["runs_done"] or res["runs_timed_out"])
                results.append(res)
        os.makedirs(args.out, exist_ok=True)
        summarize(results, ref, args)
        return
    global TEMPLATE_DB
    TEMPLATE_DB = f"adv_trial_template_c{args.customers}_o{args.orders}_s{args.seed}"
    modes = MODES if args.mode == "all" else tuple(args.mode.split(","))
    if set(modes) - set(MODES):
        parser.error(f"unknown mode(s): {', '.join(set(modes) - set(MODES))}")
    os.makedirs(args.out, exist_ok=True)
    if args.gevent_port is None:
        args.gevent_port = args.http_port + 1000
    for port in (args.http_port, args.gevent_port):
        with contextlib.closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(f"port {port} is busy: another server is running there")
    sink = SmtpSink(args.smtp_port)
    sink.start()
    if args.rebuild or not db_exists(TEMPLATE_DB):
        build_template(args)
    ref = reference(args, sink)
    rnd = random.Random(args.seed)
    results = []
    for mode in modes:
        for index in range(1, args.trials + 1):
            # A file OUT/PAUSE holds the next trial (e.g. while measuring benchmarks on an
            # idle machine); a trial under way is never paused, which would change its
            # timings (workers past their time limit).
            pause = os.path.join(args.out, "PAUSE")
            if os.path.exists(pause):
                log(f"paused: waiting for {pause} to be removed")
                while os.path.exists(pause):
                    time.sleep(5)
            log(f"{mode} trial {index}/{args.trials}")
            try:
                res = run_trial(mode, index, args, sink, ref, rnd)
            except Exception as exc:  # a broken trial is reported, the others go on
                log(f"  trial failed: {exc!r}")
                if not args.keep_dbs:
                    drop_db(trial_db(mode, index))
                res = {"mode": mode, "trial": index, "error": repr(exc), "seconds": 0}
                res["not_done"] = 1
            results.append(res)
            log(
                "  "
                + ", ".join(f"{c}={res.get(c, 0)}" for c in COLUMNS)
                + f" ({res['seconds']}s"
                + (f", killed at {res['kill_at']}s" if "kill_at" in res else "")
                + ")"
            )
            # Written after every trial: a session cut short keeps what was measured.
            summarize(results, ref, args)
    sink.stop()


if __name__ == "__main__":
    main()
