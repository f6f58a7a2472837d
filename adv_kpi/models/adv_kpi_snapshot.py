import logging

from psycopg2 import errors

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The kinds of keys the triggers queue: a (company, day) of the receivable ledger, or the
# id of a document whose rows of the analyses must be rebuilt.
DIRTY_KINDS = ("day", "move", "order", "line", "dispute")

# Version of the tables below: a change of their shape bumps it (see init).
SNAPSHOT_VERSION = 4

# Facts kept per time zone: their dates are local days of datetimes (order dates, moves).
TZ_FACTS = ("otif", "cycle", "clerk", "backlog", "backlog_versions")
FACTS = ("receivable", "revenue", "dispute", *TZ_FACTS)

# What each source table queues when rows change. ``r`` is a changed row (the old and the
# new version of an updated row); ``columns``: an update queues something only when one of
# them changes (the ORM rewrites computed columns such as residuals all the time). On an
# update, ``r`` holds only the key and ``columns``: a queue reads no other column of it.
TRIGGERS = {
    "account_move_line": {
        "columns": (
            "date",
            "date_maturity",
            "balance",
            "parent_state",
            "account_id",
            "company_id",
            "move_id",
            "quantity",
            "display_type",
            "product_id",
        ),
        "queues": (
            "SELECT 'day', r.company_id, r.date, NULL::int FROM rows r",
            "SELECT 'move', NULL::int, NULL::date, r.move_id FROM rows r",
            # the partials of the line: their day depends on its dates and due date
            "SELECT 'day', p.company_id, GREATEST(p.max_date, r.date), NULL::int"
            " FROM rows r JOIN account_partial_reconcile p ON p.debit_move_id = r.id",
            "SELECT 'day', p.company_id, GREATEST(p.max_date, r.date), NULL::int"
            " FROM rows r JOIN account_partial_reconcile p ON p.credit_move_id = r.id",
            # the order lines it invoices: their order book
            "SELECT 'line', NULL::int, NULL::date, rel.order_line_id FROM rows r"
            " JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = r.id",
        ),
    },
    "account_partial_reconcile": {
        "columns": ("max_date", "amount", "debit_move_id", "credit_move_id", "company_id"),
        "queues": (
            "SELECT 'day', r.company_id, r.max_date, NULL::int FROM rows r",
            "SELECT 'day', r.company_id, GREATEST(r.max_date, aml.date), NULL::int"
            " FROM rows r JOIN account_move_line aml"
            " ON aml.id IN (r.debit_move_id, r.credit_move_id)",
        ),
    },
    "account_move": {
        "columns": (
            "state",
            "move_type",
            "date",
            "invoice_date",
            "company_id",
            "reversed_entry_id",
            "invoice_user_id",
            "commercial_partner_id",
            "create_uid",
        ),
        "queues": (
            "SELECT 'move', NULL::int, NULL::date, r.id FROM rows r",
            "SELECT 'move', NULL::int, NULL::date, r.reversed_entry_id FROM rows r"
            " WHERE r.reversed_entry_id IS NOT NULL",
            "SELECT 'day', r.company_id, r.date, NULL::int FROM rows r",
            # the orders and lines it invoices: cycle time and order book
            "SELECT 'line', NULL::int, NULL::date, rel.order_line_id FROM rows r"
            " JOIN account_move_line aml ON aml.move_id = r.id"
            " JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id",
            "SELECT 'order', NULL::int, NULL::date, sol.order_id FROM rows r"
            " JOIN account_move_line aml ON aml.move_id = r.id"
            " JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id"
            " JOIN sale_order_line sol ON sol.id = rel.order_line_id",
        ),
    },
    "sale_order_line_invoice_rel": {
        "key": ("order_line_id", "invoice_line_id"),
        "queues": (
            "SELECT 'line', NULL::int, NULL::date, r.order_line_id FROM rows r",
            "SELECT 'order', NULL::int, NULL::date, sol.order_id FROM rows r"
            " JOIN sale_order_line sol ON sol.id = r.order_line_id",
        ),
    },
    "sale_order": {
        "columns": ("state", "date_order", "company_id", "partner_id", "user_id", "create_uid"),
        "queues": (
            "SELECT 'order', NULL::int, NULL::date, r.id FROM rows r",
            "SELECT 'line', NULL::int, NULL::date, sol.id FROM rows r"
            " JOIN sale_order_line sol ON sol.order_id = r.id",
        ),
    },
    "sale_order_line": {
        "columns": (
            "order_id",
            "company_id",
            "product_id",
            "product_uom_qty",
            "price_subtotal",
            "display_type",
            "adv_promised_date",
        ),
        "queues": (
            "SELECT 'line', NULL::int, NULL::date, r.id FROM rows r",
            "SELECT 'order', NULL::int, NULL::date, r.order_id FROM rows r",
        ),
    },
    "stock_move": {
        "columns": (
            "state",
            "date",
            "quantity",
            "sale_line_id",
            "location_id",
            "location_dest_id",
            "origin_returned_move_id",
        ),
        "queues": (
            "SELECT 'line', NULL::int, NULL::date, r.sale_line_id FROM rows r"
            " WHERE r.sale_line_id IS NOT NULL",
            "SELECT 'order', NULL::int, NULL::date, sol.order_id FROM rows r"
            " JOIN sale_order_line sol ON sol.id = r.sale_line_id",
        ),
    },
    "adv_dispute": {
        "columns": (
            "state",
            "date_open",
            "date_closed",
            "reason",
            "origin",
            "company_id",
            "user_id",
        ),
        "queues": (
            "SELECT 'dispute', NULL::int, NULL::date, r.id FROM rows r",
            "SELECT 'move', NULL::int, NULL::date, rel.move_id FROM rows r"
            " JOIN adv_dispute_account_move_rel rel ON rel.dispute_id = r.id",
        ),
    },
    "adv_dispute_account_move_rel": {
        "key": ("dispute_id", "move_id"),
        "queues": (
            "SELECT 'move', NULL::int, NULL::date, r.move_id FROM rows r",
            "SELECT 'dispute', NULL::int, NULL::date, r.dispute_id FROM rows r",
        ),
    },
}


class AdvKpiSnapshot(models.AbstractModel):
    """Precomputed facts behind the ADV dashboard, kept up to date incrementally.

    Computing the KPIs from the documents costs a pass over the whole history (4.7 s at
    M, 20 s at L for the landing dashboard). The snapshot keeps, in plain tables:

    - ``receivable``: the receivable as a day ledger: per company, day and due date, the
      balance of the posted receivable items of that day and what their reconciliations
      of that day (``max_date``) took off them. The receivable, its ageing, the credit
      sales and the countback of any date are sums over days, not over invoices;
    - ``revenue``, ``dispute``: per invoice, its revenue and whether it was disputed
      (the rows of the revenue and dispute analyses);
    - ``otif``, ``cycle``, ``clerk``: per order line or order, the rows of the OTIF,
      cycle time and workload analyses, per time zone (their days are local);
    - ``backlog_versions``: per order line, its weight in the order book from each of
      its events (order, moves, invoices) to the next, taken by the analysis' query at
      that day: the order book of a day adds the weights valid that day (only the
      versions that weigh something are kept); ``backlog``: per line, its order date
      (whether the book had lines by a day).

    Every fact is built by the SQL of its analysis (the same builder, restricted to some
    documents), so the snapshot and the analyses give the same numbers by construction;
    tests compare them on random data anyway. Statement-level triggers on the source
    tables queue what a change touches (a company's day, a document); before a read,
    :meth:`_kpi_snapshot_refresh` rebuilds what is queued. :meth:`_kpi_snapshot_rebuild`
    rebuilds everything (after changing an account's type, a product's type or a
    location's usage, which the triggers do not watch).

    The snapshot serves users whose record rules on the documents ask nothing more than
    their companies (see ``adv.kpi.report.mixin._kpi_rule_sql``) and KPIs of all
    customers; ``adv.kpi`` computes the other cases from the documents, as before.
    """

    _name = "adv.kpi.snapshot"
    _description = "ADV KPI snapshot"

    # ------------------------------------------------------------------
    # TABLES AND TRIGGERS
    # ------------------------------------------------------------------

    def init(self):
        cr = self.env.cr
        # The snapshot is a cache: when its tables change shape, they are dropped and
        # built again on the next reading.
        cr.execute("CREATE TABLE IF NOT EXISTS adv_kpi_snap_version (version integer NOT NULL)")
        cr.execute("SELECT version FROM adv_kpi_snap_version")
        row = cr.fetchone()
        if not row or row[0] != SNAPSHOT_VERSION:
            for fact in ("state", *FACTS):
                cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(f"adv_kpi_snap_{fact}")))
            cr.execute("DELETE FROM adv_kpi_snap_version")
            cr.execute("INSERT INTO adv_kpi_snap_version VALUES (%s)", [SNAPSHOT_VERSION])
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_dirty (
                kind varchar NOT NULL, company_id integer, day date, res_id integer);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_state (
                fact varchar NOT NULL, tz varchar NOT NULL, built_at timestamp,
                PRIMARY KEY (fact, tz));
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_receivable (
                company_id integer NOT NULL, day date NOT NULL, date_due date NOT NULL,
                balance numeric NOT NULL, residual numeric NOT NULL, sales numeric NOT NULL,
                item_count integer NOT NULL, sales_count integer NOT NULL);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_receivable_day
                ON adv_kpi_snap_receivable (company_id, day);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_revenue (
                id integer NOT NULL, company_id integer, date date,
                line_count integer NOT NULL, amount numeric NOT NULL);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_revenue_id ON adv_kpi_snap_revenue (id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_revenue_date
                ON adv_kpi_snap_revenue (company_id, date);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_dispute (
                id integer NOT NULL, company_id integer, date date,
                invoice_count integer NOT NULL, disputed_count integer NOT NULL);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_dispute_id ON adv_kpi_snap_dispute (id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_dispute_date
                ON adv_kpi_snap_dispute (company_id, date);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_otif (
                tz varchar NOT NULL, id integer NOT NULL, company_id integer,
                date_promised date, line_count integer NOT NULL, otif_count integer NOT NULL);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_otif_id ON adv_kpi_snap_otif (tz, id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_otif_date
                ON adv_kpi_snap_otif (tz, company_id, date_promised);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_cycle (
                tz varchar NOT NULL, id integer NOT NULL, company_id integer,
                date_delivered date, date_invoiced date,
                delivery_days double precision, invoice_days double precision);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_cycle_id ON adv_kpi_snap_cycle (tz, id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_cycle_delivered
                ON adv_kpi_snap_cycle (tz, company_id, date_delivered);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_cycle_invoiced
                ON adv_kpi_snap_cycle (tz, company_id, date_invoiced);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_clerk (
                tz varchar NOT NULL, id bigint NOT NULL, company_id integer,
                user_id integer, date date, order_count integer NOT NULL,
                invoice_count integer NOT NULL, credit_note_count integer NOT NULL,
                dispute_count integer NOT NULL);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_clerk_id ON adv_kpi_snap_clerk (tz, id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_clerk_date
                ON adv_kpi_snap_clerk (tz, company_id, date);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_backlog (
                tz varchar NOT NULL, id integer NOT NULL, company_id integer,
                date_order date);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_backlog_id ON adv_kpi_snap_backlog (tz, id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_backlog_date
                ON adv_kpi_snap_backlog (tz, company_id, date_order);
            CREATE TABLE IF NOT EXISTS adv_kpi_snap_backlog_versions (
                tz varchar NOT NULL, id integer NOT NULL, company_id integer,
                valid_from date NOT NULL, valid_to date,
                to_deliver numeric NOT NULL, to_invoice numeric NOT NULL);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_backlog_versions_id
                ON adv_kpi_snap_backlog_versions (tz, id);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_backlog_versions_to
                ON adv_kpi_snap_backlog_versions (tz, company_id, valid_to);
            CREATE INDEX IF NOT EXISTS adv_kpi_snap_backlog_versions_current
                ON adv_kpi_snap_backlog_versions (tz, company_id)
                WHERE valid_to IS NULL;
            """
        )
        for table, spec in TRIGGERS.items():
            self._kpi_snapshot_create_triggers(table, spec)

    def _kpi_snapshot_create_triggers(self, table, spec):
        """One trigger function per source table, fired once per statement with the rows
        it changed (transition tables): it queues what those rows touch. An update queues
        only the rows where one of the watched columns changed, in their old and new
        versions (a row moving from one day to another dirties both days)."""
        key = spec.get("key", ("id",))
        queues = " UNION ".join(spec["queues"])

        def queue(rows):
            return (
                f"INSERT INTO adv_kpi_snap_dirty (kind, company_id, day, res_id) "
                f"SELECT DISTINCT * FROM ({queues.replace('FROM rows r', f'FROM {rows} r')}) q;"
            )

        # An update queues the rows where a watched column changed, old and new versions,
        # found by set differences on the watched columns (the key and ``columns``, which
        # hold every column the queue statements read: a test checks it). PostgreSQL has
        # no statistics on transition tables: it joined old and new rows in nested loops,
        # which cost 2 s per 3,500 invoices at M when they changed, 0.5 s when they did
        # not (the reminder run's level update, issue 15); set differences are hashed.
        # An update of none of them stops after the first difference.
        columns = spec.get("columns", ())
        if columns:
            watched = ", ".join(dict.fromkeys((*key, *columns)))
            updated = (
                f"((SELECT {watched} FROM old_rows EXCEPT SELECT {watched} FROM new_rows) "
                f"UNION ALL "
                f"(SELECT {watched} FROM new_rows EXCEPT SELECT {watched} FROM old_rows))"
            )
            update = (
                f"IF EXISTS (SELECT {watched} FROM new_rows EXCEPT SELECT {watched} "
                f"FROM old_rows) THEN {queue(updated)} END IF;"
            )
        else:
            update = queue("(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows)")
        function = SQL.identifier(f"adv_kpi_snap_queue_{table}")
        # The texts joined above are the constants of TRIGGERS, never a value from outside.
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        %(inserted)s
                    ELSIF TG_OP = 'DELETE' THEN
                        %(deleted)s
                    ELSE
                        %(updated)s
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                function=function,
                inserted=SQL(queue("new_rows")),
                deleted=SQL(queue("old_rows")),
                updated=SQL(update),
            )
        )
        for suffix, event, transition in (
            ("ins", "INSERT", "NEW TABLE AS new_rows"),
            ("upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("del", "DELETE", "OLD TABLE AS old_rows"),
        ):
            trigger = SQL.identifier(f"adv_kpi_snap_queue_{table}_{suffix}")
            self.env.cr.execute(
                SQL("DROP TRIGGER IF EXISTS %s ON %s", trigger, SQL.identifier(table))
            )
            self.env.cr.execute(
                SQL(
                    "CREATE TRIGGER %s AFTER %s ON %s REFERENCING %s "
                    "FOR EACH STATEMENT EXECUTE FUNCTION %s()",
                    trigger,
                    SQL(event),
                    SQL.identifier(table),
                    SQL(transition),
                    function,
                )
            )

    # ------------------------------------------------------------------
    # BUILDERS: the analyses' own SQL, restricted to some documents
    # ------------------------------------------------------------------

    def _kpi_report(self, model_name, tz="UTC"):
        # As superuser: the snapshot holds every document, the readers restrict it.
        return self.env[model_name].sudo().with_context(tz=tz)

    def _kpi_receivable_ledger_query(self, days=None):
        """The ledger rows of ``days`` (list of ``(company_id, day)``; None: every day),
        from the receivable items of ``adv.kpi.ageing.report`` (the same conditions):
        the items of a day add their balance, the reconciliations of a day (``max_date``,
        or the item's own date if later) take their amount off the residual of the item
        they reconcile, by its due date."""

        def on_days(day):
            if days is None:
                return SQL("TRUE")
            return SQL(
                "(aml.company_id, %s) IN (SELECT * FROM unnest(%s::int[], %s::date[]))",
                day,
                [company for company, _day in days],
                [day for _company, day in days],
            )

        receivable = SQL("aml.parent_state = 'posted' AND acc.account_type = 'asset_receivable'")
        return SQL(
            """
            SELECT company_id, day, date_due, SUM(balance) AS balance,
                   SUM(residual) AS residual, SUM(sales) AS sales,
                   SUM(item_count) AS item_count, SUM(sales_count) AS sales_count
              FROM (
                SELECT aml.company_id, aml.date AS day,
                       COALESCE(aml.date_maturity, aml.date) AS date_due,
                       aml.balance AS balance, aml.balance AS residual,
                       CASE WHEN am.move_type IN ('out_invoice', 'out_refund')
                            THEN aml.balance ELSE 0 END AS sales,
                       1 AS item_count,
                       CASE WHEN am.move_type IN ('out_invoice', 'out_refund')
                            THEN 1 ELSE 0 END AS sales_count
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE %(receivable)s AND %(item_day)s
                 UNION ALL
                -- what the reconciliations of the day took off the debit items ...
                SELECT aml.company_id, GREATEST(p.max_date, aml.date),
                       COALESCE(aml.date_maturity, aml.date), 0, -p.amount, 0, 0, 0
                  FROM account_partial_reconcile p
                  JOIN account_move_line aml ON aml.id = p.debit_move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE %(receivable)s AND %(partial_day)s
                 UNION ALL
                -- ... and gave back to the credit items (payments, credit notes)
                SELECT aml.company_id, GREATEST(p.max_date, aml.date),
                       COALESCE(aml.date_maturity, aml.date), 0, p.amount, 0, 0, 0
                  FROM account_partial_reconcile p
                  JOIN account_move_line aml ON aml.id = p.credit_move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE %(receivable)s AND %(partial_day)s
              ) AS ledger
             GROUP BY company_id, day, date_due
            """,
            receivable=receivable,
            item_day=on_days(SQL("aml.date")),
            partial_day=on_days(SQL("GREATEST(p.max_date, aml.date)")),
        )

    def _kpi_fact_builders(self, fact, tz, ids):
        """``(table, delete condition, insert query)`` rebuilding the rows of ``fact``
        for the documents ``ids`` (dict kind -> list of ids; None: everything)."""

        def pick(kind):
            return None if ids is None else ids.get(kind, [])

        if fact == "revenue":
            report = self._kpi_report("adv.kpi.revenue.report")
            query = SQL(
                "SELECT move_id, company_id, date, COUNT(*), SUM(amount) FROM (%s) AS r "
                "GROUP BY move_id, company_id, date",
                report._kpi_revenue_query(pick("move")),
            )
            return "adv_kpi_snap_revenue", [("id", pick("move"))], query
        if fact == "dispute":
            report = self._kpi_report("adv.kpi.dispute.report")
            query = SQL(
                "SELECT id, company_id, date, invoice_count, disputed_count FROM (%s) AS r",
                report._kpi_dispute_query(pick("move")),
            )
            return "adv_kpi_snap_dispute", [("id", pick("move"))], query
        if fact == "otif":
            report = self._kpi_report("adv.kpi.otif.report", tz)
            query = SQL(
                "SELECT %s, id, company_id, date_promised, line_count, otif_count FROM (%s) AS r",
                tz,
                report._kpi_otif_query(pick("line")),
            )
            return "adv_kpi_snap_otif", [("id", pick("line"))], query
        if fact == "cycle":
            report = self._kpi_report("adv.kpi.cycle.report", tz)
            query = SQL(
                "SELECT %s, id, company_id, date_delivered, date_invoiced, delivery_days, "
                "invoice_days FROM (%s) AS r",
                tz,
                report._kpi_cycle_query(pick("order")),
            )
            return "adv_kpi_snap_cycle", [("id", pick("order"))], query
        if fact == "clerk":
            report = self._kpi_report("adv.kpi.clerk.report", tz)
            query = SQL(
                "SELECT %s, id, company_id, user_id, date, order_count, invoice_count, "
                "credit_note_count, dispute_count FROM (%s) AS r",
                tz,
                report._kpi_clerk_query(pick("order"), pick("move"), pick("dispute")),
            )
            if ids is None:
                keys = None
            else:
                keys = (
                    [order_id * 4 for order_id in pick("order")]
                    + [move_id * 4 + 1 for move_id in pick("move")]
                    + [move_id * 4 + 2 for move_id in pick("move")]
                    + [dispute_id * 4 + 3 for dispute_id in pick("dispute")]
                )
            return "adv_kpi_snap_clerk", [("id", keys)], query
        if fact == "backlog":
            report = self._kpi_report("adv.kpi.backlog.report", tz)
            query = SQL(
                "SELECT %s, id, company_id, date_order FROM (%s) AS r",
                tz,
                report._kpi_book_lines_query(pick("line")),
            )
            return "adv_kpi_snap_backlog", [("id", pick("line"))], query
        if fact == "backlog_versions":
            report = self._kpi_report("adv.kpi.backlog.report", tz)
            query = SQL(
                "SELECT %s, id, company_id, valid_from, valid_to, amount_to_deliver, "
                "amount_to_invoice FROM (%s) AS r",
                tz,
                report._kpi_versions_query(pick("line")),
            )
            return "adv_kpi_snap_backlog_versions", [("id", pick("line"))], query
        raise ValueError(fact)

    def _kpi_fact_refresh(self, fact, tz, ids):
        """Rebuild the rows of ``fact`` (``tz``: its time zone, '' for the others) for the
        documents ``ids`` (None: every row)."""
        table, keys, query = self._kpi_fact_builders(fact, tz, ids)
        if ids is not None and all(not values for _column, values in keys):
            return
        conditions = [SQL("tz = %s", tz)] if fact in TZ_FACTS else []
        for column, values in keys:
            if values is not None:
                conditions.append(SQL("%s = ANY(%s)", SQL.identifier(column), list(values)))
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s",
                SQL.identifier(table),
                SQL(" AND ").join(conditions) if conditions else SQL("TRUE"),
            )
        )
        self.env.cr.execute(SQL("INSERT INTO %s %s", SQL.identifier(table), query))

    def _kpi_receivable_refresh(self, days):
        """Rebuild the ledger rows of ``days`` (list of ``(company, day)``, None: all)."""
        cr = self.env.cr
        if days is None:
            cr.execute("DELETE FROM adv_kpi_snap_receivable")
        elif not days:
            return
        else:
            cr.execute(
                "DELETE FROM adv_kpi_snap_receivable WHERE (company_id, day) IN "
                "(SELECT * FROM unnest(%s::int[], %s::date[]))",
                [[company for company, _day in days], [day for _company, day in days]],
            )
        cr.execute(
            SQL(
                "INSERT INTO adv_kpi_snap_receivable "
                "(company_id, day, date_due, balance, residual, sales, item_count, "
                "sales_count) %s",
                self._kpi_receivable_ledger_query(days),
            )
        )

    # ------------------------------------------------------------------
    # REFRESH
    # ------------------------------------------------------------------

    @api.model
    def _kpi_snapshot_refresh(self, tz):
        """Bring the snapshot up to date for time zone ``tz``: rebuild what the
        triggers queued since the last refresh, then build the facts never built (the
        first read, or a new time zone; none when ``tz`` is None). Returns whether the
        snapshot may be read.

        In the caller's transaction (its own changes are in it, and nothing is
        committed here). When another transaction is refreshing, or a concurrent
        refresh already took the queue this transaction still sees, returns False
        without waiting: the caller computes from the documents, as exact and slower.
        """
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SELECT pg_try_advisory_xact_lock(hashtext('adv_kpi_snapshot'))")
        if not cr.fetchone()[0]:
            return False
        try:
            with cr.savepoint(flush=False):
                self._kpi_snapshot_apply_queue()
                cr.execute("SELECT fact, tz FROM adv_kpi_snap_state")
                built = set(cr.fetchall())
                for fact in FACTS if tz else ():
                    fact_tz = tz if fact in TZ_FACTS else ""
                    if (fact, fact_tz) not in built:
                        self._kpi_snapshot_build(fact, fact_tz)
        except errors.SerializationFailure:
            # A refresh committed after this transaction began: its queue is gone for
            # the others but not yet in this transaction's view of the facts.
            _logger.info("ADV KPI snapshot refreshed concurrently: computing from documents")
            return False
        except errors.ReadOnlySqlTransaction:
            # A read-only transaction (a read-only route, a replica) cannot write it.
            return False
        return True

    def _kpi_snapshot_apply_queue(self):
        cr = self.env.cr
        cr.execute("DELETE FROM adv_kpi_snap_dirty RETURNING kind, company_id, day, res_id")
        rows = cr.fetchall()
        if not rows:
            return
        # (a draft entry may have no date yet: it has no posted item either)
        days = sorted(
            {
                (company, day)
                for kind, company, day, _id in rows
                if kind == "day" and company and day
            }
        )
        ids = {kind: set() for kind in DIRTY_KINDS}
        for kind, _company, _day, res_id in rows:
            if kind != "day" and res_id is not None:
                ids[kind].add(res_id)
        ids = {kind: sorted(values) for kind, values in ids.items()}
        cr.execute("SELECT fact, tz FROM adv_kpi_snap_state")
        for fact, tz in cr.fetchall():
            if fact == "receivable":
                self._kpi_receivable_refresh(days)
            else:
                self._kpi_fact_refresh(fact, tz, ids)

    def _kpi_snapshot_build(self, fact, tz):
        if fact == "receivable":
            self._kpi_receivable_refresh(None)
        else:
            self._kpi_fact_refresh(fact, tz, None)
        # A table just filled has no statistics: the planner would guess one row.
        self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(f"adv_kpi_snap_{fact}")))
        self.env.cr.execute(
            "INSERT INTO adv_kpi_snap_state (fact, tz, built_at) "
            "VALUES (%s, %s, now() AT TIME ZONE 'UTC') "
            "ON CONFLICT (fact, tz) DO UPDATE SET built_at = EXCLUDED.built_at",
            [fact, tz],
        )

    @api.model
    def _kpi_snapshot_rebuild(self):
        """Rebuild every fact of every time zone built so far (the command after a change
        the triggers do not watch: account types, product types, location usages)."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SELECT pg_advisory_xact_lock(hashtext('adv_kpi_snapshot'))")
        cr.execute("DELETE FROM adv_kpi_snap_dirty")
        cr.execute("SELECT fact, tz FROM adv_kpi_snap_state")
        for fact, tz in cr.fetchall():
            self._kpi_snapshot_build(fact, tz)

    @api.model
    def _kpi_snapshot_drop(self):
        """Remove the triggers, their functions and the tables (uninstall)."""
        cr = self.env.cr
        for table in TRIGGERS:
            cr.execute("SELECT to_regclass(%s)", [table])
            if cr.fetchone()[0]:
                for suffix in ("ins", "upd", "del"):
                    cr.execute(
                        SQL(
                            "DROP TRIGGER IF EXISTS %s ON %s",
                            SQL.identifier(f"adv_kpi_snap_queue_{table}_{suffix}"),
                            SQL.identifier(table),
                        )
                    )
            cr.execute(
                SQL(
                    "DROP FUNCTION IF EXISTS %s()",
                    SQL.identifier(f"adv_kpi_snap_queue_{table}"),
                )
            )
        for fact in ("dirty", "state", "version", *FACTS):
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(f"adv_kpi_snap_{fact}")))

    @api.model
    def _cron_refresh(self):
        """Nightly: apply the queue for the time zones in use, so that it stays short and
        the first dashboard of the day finds the snapshot up to date. Writes only the
        snapshot's own tables (a cache: no document, no message)."""
        # The queue is drained for every fact built; nothing is built before a reader
        # asks for it (an install builds nothing, and no time zone nobody reads).
        self._kpi_snapshot_refresh(None)
