import calendar
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.adv_base.tools import has_server_flag, with_server_flag

# How far the countback DSO walks back before giving up (months).
COUNTBACK_HORIZON = 24
# The KPIs computed from the receivable figures (one query for all of them).
RECEIVABLE_KEYS = ("dso", "best_dso", "add", "cei", "ageing", "receivable", "credit_sales")
# The snapshot facts of the rate KPIs: table, date column, rows and hits counted, whether
# the fact is kept per time zone, and the documents it is built from (whose record rules
# decide whether a user may read it from the snapshot).
RATE_FACTS = {
    "otif": {
        "table": "adv_kpi_snap_otif",
        "date": "date_promised",
        "count": "line_count",
        "hits": "otif_count",
        "per_tz": True,
        "sources": ("sale.order", "sale.order.line"),
    },
    "dispute_rate": {
        "table": "adv_kpi_snap_dispute",
        "date": "date",
        "count": "invoice_count",
        "hits": "disputed_count",
        "per_tz": False,
        "sources": ("account.move",),
    },
}
# Units of the catalogue: how a value is formatted and what it is counted in.
KPI_UNITS = ("days", "percent", "amount", "count")
# How the dashboard and the workbook lay a KPI out: a single number, a dict of numbers
# each shown like a single one, a dict of buckets shown as a table, a list of rows.
KPI_LAYOUTS = ("value", "parts", "buckets", "rows")


class AdvKpi(models.AbstractModel):
    """The ADV KPI service: every number of the dashboard, the analyses and the XLSX.

    Each ``_kpi_*`` method runs ONE parameterised query, restricted to the companies the
    user may see (the requested ones intersected with ``env.companies``) and to the
    documents his record rules let him read, after checking his read access on them.
    Amounts are converted to the currency of ``env.company``. A KPI without data is
    ``None``. What the KPIs are is said once, in :meth:`_kpi_catalogue`.
    """

    _name = "adv.kpi"
    _description = "ADV KPI service"

    # ------------------------------------------------------------------
    # CATALOGUE
    # ------------------------------------------------------------------

    @api.model
    def _kpi_catalogue(self):
        """The KPIs, in display order: the one list the dashboard, the XLSX export,
        :meth:`compute_kpis` and :meth:`action_open_analysis` read.

        Override to add a KPI: append an entry (see :meth:`_kpi_catalogue_entry`) and
        give :meth:`compute_kpis` the value under the same key (its result holds exactly
        the catalogue's keys, a test checks it). Each entry is a dict:

        - ``key``: the key of the value in :meth:`compute_kpis`' result
        - ``label``, ``help``: translated texts
        - ``unit``: ``days``, ``percent``, ``amount`` (currency of ``env.company``) or
          ``count``
        - ``better``: ``up``, ``down`` or ``False``: which way of the difference with
          the previous period is good news (the dashboard colours it)
        - ``action``: XML id of the analysis behind the KPI; ``date_field``: its date
          field filtered on the period, ``False`` for the snapshot analyses taken at the
          period end
        - ``layout``: ``value`` (a number), ``parts`` (a dict of numbers, each shown as
          a number), ``buckets`` (a dict shown as a table), ``rows`` (a list of dicts
          shown as a table of ``columns``)
        - ``parts``: for dict KPIs, dicts ``key``, ``label``, ``help``, ``better``,
          ``card``, ``summary``, ``trend``, ``bucket`` (a row of the buckets table)
        - ``columns``: for ``rows``, dicts ``key``, ``label``
        - ``card``: a card of the dashboard; ``summary``: a row of the workbook's
          summary; ``sheet``: the workbook sheet drawing its monthly trend (the
          numbers with the same ``sheet`` share one), ``False`` for none
        - ``trend``: a twelve-month chart of the dashboard (see
          :meth:`_kpi_trend_values`); on a single number or on a part
        - ``rate``: for rate KPIs read from their analysis: ``model``, ``count_field``,
          ``rate_field``, ``source`` (the document model the user must be allowed to
          read) and ``breakdowns`` (fields of the analysis the workbook breaks the rate
          down by)
        """
        _ = self.env._
        entry = self._kpi_catalogue_entry
        ageing = "adv_kpi.action_adv_kpi_ageing_report"
        return [
            entry(
                "dso",
                _("DSO"),
                "days",
                "down",
                ageing,
                help_text=_("Receivable at period end / credit sales x days"),
                card=True,
                summary=True,
                sheet="dso",
                trend=True,
            ),
            entry(
                "dso_countback",
                _("DSO, countback method"),
                "days",
                "down",
                ageing,
                help_text=_("Months of sales needed to cover the receivable"),
                card=True,
                summary=True,
                sheet="dso",
            ),
            entry(
                "best_dso",
                _("Best possible DSO"),
                "days",
                "down",
                ageing,
                help_text=_("Receivable not yet due / credit sales x days"),
                card=True,
                summary=True,
                sheet="dso",
            ),
            entry(
                "add",
                _("Average days delinquent (ADD)"),
                "days",
                "down",
                ageing,
                help_text=_("DSO - best possible DSO"),
                card=True,
                summary=True,
                sheet="dso",
            ),
            entry(
                "cei",
                _("Collection effectiveness index (CEI)"),
                "percent",
                "up",
                ageing,
                help_text=_("Share of the collectible receivable collected"),
                card=True,
                summary=True,
                sheet="cei",
            ),
            entry(
                "ageing",
                _("Receivable ageing at period end"),
                "amount",
                "down",
                ageing,
                help_text=_("Receivable at period end by days past due, tax included"),
                layout="buckets",
                sheet="ageing",
                parts=[
                    {"key": "not_due", "label": _("Not due"), "bucket": True, "better": False},
                    {"key": "1_30", "label": _("1-30 days"), "bucket": True},
                    {"key": "31_60", "label": _("31-60 days"), "bucket": True},
                    {"key": "61_90", "label": _("61-90 days"), "bucket": True},
                    {"key": "over_90", "label": _("Over 90 days"), "bucket": True},
                    {
                        "key": "overdue",
                        "label": _("Overdue receivable"),
                        "help": _("Receivable past its due date at period end"),
                        "card": True,
                    },
                    {"key": "total", "label": _("Total"), "better": False},
                ],
            ),
            entry(
                "dispute_rate",
                _("Dispute rate"),
                "percent",
                "down",
                "adv_kpi.action_adv_kpi_dispute_report",
                date_field="date",
                help_text=_("Invoices disputed or credited / invoices issued"),
                card=True,
                summary=True,
                sheet="dispute_rate",
                trend=True,
                rate={
                    "model": "adv.kpi.dispute.report",
                    "count_field": "invoice_count",
                    "rate_field": "dispute_rate",
                    "source": "account.move",
                    "breakdowns": ["partner_id", "user_id", "reason", "origin"],
                },
            ),
            entry(
                "otif",
                _("OTIF"),
                "percent",
                "up",
                "adv_kpi.action_adv_kpi_otif_report",
                date_field="date_promised",
                help_text=_("Order lines delivered in full by the promised date"),
                card=True,
                summary=True,
                sheet="otif",
                trend=True,
                rate={
                    "model": "adv.kpi.otif.report",
                    "count_field": "line_count",
                    "rate_field": "otif_rate",
                    "source": "sale.order",
                    "breakdowns": ["partner_id", "product_id"],
                },
            ),
            entry(
                "order_cycle_days",
                _("Confirmation to full delivery"),
                "days",
                "down",
                "adv_kpi.action_adv_kpi_cycle_report",
                date_field="date_delivered",
                help_text=_("Average days from confirmation to full delivery"),
                card=True,
                summary=True,
                sheet="cycle",
            ),
            entry(
                "invoice_cycle_days",
                _("Confirmation to first invoice"),
                "days",
                "down",
                "adv_kpi.action_adv_kpi_cycle_report",
                date_field="date_invoiced",
                help_text=_("Average days from confirmation to the first invoice"),
                summary=True,
                sheet="cycle",
            ),
            entry(
                "productivity",
                _("Work handled per clerk"),
                "count",
                False,
                "adv_kpi.action_adv_kpi_clerk_report",
                date_field="date",
                help_text=_("Documents handled per user in the period"),
                layout="rows",
                sheet="productivity",
                columns=[
                    {"key": "orders", "label": _("Orders")},
                    {"key": "invoices", "label": _("Invoices")},
                    {"key": "credit_notes", "label": _("Credit notes")},
                    {"key": "disputes", "label": _("Disputes")},
                ],
            ),
            entry(
                "revenue",
                _("Revenue (untaxed)"),
                "amount",
                "up",
                "adv_kpi.action_adv_kpi_revenue_report",
                date_field="date",
                help_text=_("Net untaxed revenue invoiced"),
                card=True,
                summary=True,
                sheet="revenue",
                trend=True,
            ),
            entry(
                "backlog",
                _("Order book"),
                "amount",
                False,
                "adv_kpi.action_adv_kpi_backlog_report",
                help_text=_("Order book at period end, untaxed"),
                layout="parts",
                sheet="revenue",
                parts=[
                    {
                        "key": "to_deliver",
                        "label": _("Confirmed, not delivered"),
                        "help": _("Order book at period end"),
                        "card": True,
                        "summary": True,
                    },
                    {
                        "key": "to_invoice",
                        "label": _("Delivered, not invoiced"),
                        "help": _("Order book at period end"),
                        "better": "down",
                        "card": True,
                        "summary": True,
                    },
                    {"key": "total", "label": _("Order book"), "trend": True},
                ],
            ),
            entry(
                "receivable",
                _("Receivable at period end"),
                "amount",
                False,
                ageing,
                help_text=_("Receivable at period end, tax included"),
                summary=True,
            ),
            entry(
                "credit_sales",
                _("Credit sales (tax included)"),
                "amount",
                "up",
                ageing,
                help_text=_("Invoices less credit notes of the period, tax included"),
                summary=True,
            ),
        ]

    @api.model
    def _kpi_catalogue_entry(
        self,
        key,
        label,
        unit,
        better,
        action,
        *,
        date_field=False,
        help_text="",
        layout="value",
        card=False,
        summary=False,
        sheet=False,
        trend=False,
        parts=(),
        columns=(),
        rate=False,
    ):
        """One entry of :meth:`_kpi_catalogue`, its defaults filled in. Parts have the
        entry's unit, and its help and direction unless they say otherwise."""
        if (
            unit not in KPI_UNITS
            or layout not in KPI_LAYOUTS
            or better not in ("up", "down", False)
        ):
            raise UserError(
                self.env._(
                    "The KPI %(key)s is badly declared: unit %(unit)s, layout %(layout)s, "
                    "better %(better)s.",
                    key=key,
                    unit=unit,
                    layout=layout,
                    better=better,
                )
            )
        return {
            "key": key,
            "label": label,
            "unit": unit,
            "better": better,
            "action": action,
            "date_field": date_field,
            "help": help_text,
            "layout": layout,
            "card": card,
            "summary": summary,
            "sheet": sheet,
            "trend": trend,
            "parts": [
                {
                    "help": help_text,
                    "better": better,
                    "card": False,
                    "summary": False,
                    "trend": False,
                    "bucket": False,
                    **part,
                    "path": f"{key}.{part['key']}",
                    "unit": unit,
                }
                for part in parts
            ],
            "columns": list(columns),
            "rate": rate,
        }

    @api.model
    def _kpi_catalogue_get(self, key):
        """The catalogue entry of ``key``; UserError for a key it does not hold."""
        for entry in self._kpi_catalogue():
            if entry["key"] == key:
                return entry
        raise UserError(self.env._("There is no KPI %(key)s.", key=key))

    @api.model
    def _kpi_catalogue_numbers(self):
        """The single numbers of the catalogue, flat: each scalar KPI and each part of
        a ``parts`` KPI, as dicts ``path`` (``backlog.to_deliver``), ``kpi`` (the entry
        key), ``label``, ``help``, ``unit``, ``better``, ``card``, ``summary``,
        ``sheet``, ``trend``. The dashboard's cards and charts, the workbook's summary
        and trend sheets."""
        numbers = []
        for entry in self._kpi_catalogue():
            common = {"kpi": entry["key"], "sheet": entry["sheet"]}
            if entry["layout"] == "value":
                numbers.append({**entry, **common, "path": entry["key"]})
            elif entry["layout"] in ("parts", "buckets"):
                sheet = entry["sheet"] if entry["layout"] == "parts" else False
                numbers += [
                    {**part, **common, "sheet": sheet if part["summary"] else False}
                    for part in entry["parts"]
                ]
        return numbers

    # ------------------------------------------------------------------
    # SCOPE
    # ------------------------------------------------------------------

    @api.model
    def _kpi_scope(self, date_from, date_to, company_ids=None, partner_ids=None):
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to or date_from > date_to:
            raise UserError(
                self.env._(
                    "The KPI period is invalid: %(date_from)s to %(date_to)s.",
                    date_from=date_from,
                    date_to=date_to,
                )
            )
        allowed = self.env.companies
        if company_ids:
            wanted = set(company_ids)
            allowed = allowed.filtered(lambda company: company.id in wanted)
        return {
            "date_from": date_from,
            "date_to": date_to,
            "days": (date_to - date_from).days + 1,
            "company_ids": allowed.ids,
            "rates": self._kpi_currency_rates(allowed, date_to),
            "partner_ids": list(partner_ids or []),
            "commercial_ids": (
                self.env["res.partner"].browse(partner_ids).commercial_partner_id.ids
                if partner_ids
                else []
            ),
        }

    @api.model
    def _kpi_currency_rates(self, companies, date):
        """{company id: rate} turning each company's amounts (in its currency) into the
        currency of ``env.company``, at the rates of ``env.company`` on ``date`` (the
        period end): one rate per company, not per amount. 1 for a company sharing the
        currency (no query)."""
        target = self.env.company.currency_id
        convert = self.env["res.currency"]._get_conversion_rate
        return {
            company.id: convert(company.currency_id, target, self.env.company, date)
            for company in companies
        }

    def _kpi_amount_sql(self, scope, amount, company):
        """SQL of ``amount`` (a column in the currency of the row's ``company``) in the
        currency of ``env.company``: multiplied by the company's rate of
        :meth:`_kpi_currency_rates`, written in the query as a ``CASE`` on the company
        (a few constants, no join, no rate lookup per row). When every company of the
        scope has the currency of ``env.company`` the amount is left as it is."""
        rates = scope["rates"]
        if all(rate == 1 for rate in rates.values()):
            return amount
        cases = SQL(" ").join(SQL("WHEN %s THEN %s", cid, rate) for cid, rate in rates.items())
        return SQL("(%s * CASE %s %s END)", amount, company, cases)

    def _kpi_snapshot_prepare(self, scope):
        """The time zone of the snapshot this computation may read (see
        ``adv.kpi.snapshot``), brought up to date; None to compute from the documents:
        KPIs of some customers, no company, or the server flag ``adv_kpi_live`` (the
        tests comparing both; no client can send it)."""
        if scope["partner_ids"] or not scope["company_ids"]:
            return None
        if has_server_flag(self, "adv_kpi_live"):
            return None
        tz = self.env["adv.kpi.report.mixin"]._kpi_tz()
        if not self.env["adv.kpi.snapshot"]._kpi_snapshot_refresh(tz):
            return None
        return tz

    def _kpi_snapshot_tz(self, scope, report, *model_names):
        """The snapshot's time zone when this KPI may read it: the snapshot holds every
        document of the companies, so only for a user whose record rules on the
        documents (``model_names``) ask nothing more than his companies. The user's
        access to the KPI's analysis (``report``) is checked as when it is read."""
        tz = scope.get("snapshot")
        if not tz:
            return None
        mixin = self.env["adv.kpi.report.mixin"]
        if not all(mixin._kpi_rules_company_only(name) for name in model_names):
            return None
        self.env[report].check_access("read")
        return tz

    def _kpi_rule_sql(self, model_name, column):
        """The record rules of ``model_name`` for the user, as an SQL condition on
        ``column`` (see ``adv.kpi.report.mixin._kpi_rule_sql``)."""
        return self.env["adv.kpi.report.mixin"]._kpi_rule_sql(model_name, column)

    def _kpi_partner_sql(self, scope, column):
        """Keep rows whose partner belongs to one of the requested customers."""
        if not scope["partner_ids"]:
            return SQL("TRUE")
        return SQL(
            "%s IN (SELECT p.id FROM res_partner p WHERE p.commercial_partner_id IN "
            "(SELECT c.commercial_partner_id FROM res_partner c WHERE c.id = ANY(%s)))",
            column,
            scope["partner_ids"],
        )

    def _kpi_report_domain(self, scope, date_field):
        domain = [
            (date_field, ">=", scope["date_from"]),
            (date_field, "<=", scope["date_to"]),
            ("company_id", "in", scope["company_ids"]),
        ]
        return domain + self._kpi_partner_domain(scope)

    def _kpi_partner_domain(self, scope):
        # Analyses carry the commercial entity of the customer.
        if not scope["partner_ids"]:
            return []
        return [("partner_id", "in", scope["commercial_ids"])]

    def _kpi_readable(self, scope, *model_names):
        """Whether the KPI has something to read for this user.

        False when none of the requested companies is allowed. When the user may not
        read the documents, raise AccessError, unless the dashboard asked to leave those
        KPIs empty (server flag ``adv_kpi_skip_denied``, which no client can send), so
        that a clerk without invoicing rights still sees the service KPIs.
        """
        if not scope["company_ids"]:
            return False
        for model_name in model_names:
            if has_server_flag(self, "adv_kpi_skip_denied"):
                if not self.env[model_name].has_access("read"):
                    return False
            else:
                self.env[model_name].check_access("read")
        return True

    @staticmethod
    def _kpi_ratio(numerator, denominator, factor=1.0):
        if not denominator:
            return None
        return numerator / denominator * factor

    # ------------------------------------------------------------------
    # RECEIVABLE: DSO, BEST DSO, ADD, CEI, AGEING
    # ------------------------------------------------------------------

    def _kpi_receivable_figures(self, scope):
        """Opening and closing receivable, credit sales and ageing of the period.

        One query. Amounts are tax included (the receivable side of the entries), in
        the currency of ``env.company`` (see :meth:`_kpi_amount_sql`). The receivable
        at a date is the balance of the receivable items dated up to it; its split by
        due date takes each item's balance less what was reconciled with it up to that
        date. Only the journal items the user may read count (record rules of journal
        entries and items, applied by the builder).
        """
        if not self._kpi_readable(scope, "account.move"):
            return None
        if self._kpi_snapshot_tz(
            scope, "adv.kpi.ageing.report", "account.move", "account.move.line"
        ):
            return self._kpi_receivable_figures_snapshot(scope)
        date_from, date_to = scope["date_from"], scope["date_to"]
        # The receivable items at the period end, from the builder the ageing analysis
        # reads too: the KPIs and the analysis cannot tell two stories.
        items = self.env["adv.kpi.ageing.report"]._kpi_receivable_items_query(
            date_to,
            [
                SQL("aml.company_id = ANY(%s)", scope["company_ids"]),
                self._kpi_partner_sql(scope, SQL("aml.partner_id")),
            ],
        )
        self.env.cr.execute(
            SQL(
                """
                WITH item AS (
                    SELECT date, %(balance)s AS balance, move_type,
                           %(residual)s AS residual,
                           %(date_to)s - date_due AS overdue
                      FROM (%(items)s) AS receivable
                )
                SELECT COUNT(*) AS item_count,
                       COALESCE(SUM(balance) FILTER (WHERE date < %(date_from)s), 0) AS opening,
                       COALESCE(SUM(balance), 0) AS closing,
                       COALESCE(SUM(balance) FILTER (
                           WHERE date >= %(date_from)s
                             AND move_type IN ('out_invoice', 'out_refund')), 0) AS credit_sales,
                       COUNT(*) FILTER (
                           WHERE date >= %(date_from)s
                             AND move_type IN ('out_invoice', 'out_refund')) AS sales_count,
                       COALESCE(SUM(residual) FILTER (WHERE overdue <= 0), 0) AS not_due,
                       COALESCE(SUM(residual) FILTER (WHERE overdue BETWEEN 1 AND 30), 0) AS a30,
                       COALESCE(SUM(residual) FILTER (WHERE overdue BETWEEN 31 AND 60), 0) AS a60,
                       COALESCE(SUM(residual) FILTER (WHERE overdue BETWEEN 61 AND 90), 0) AS a90,
                       COALESCE(SUM(residual) FILTER (WHERE overdue > 90), 0) AS over90
                  FROM item
                """,
                date_from=date_from,
                date_to=date_to,
                items=items,
                balance=self._kpi_amount_sql(
                    scope, SQL("receivable.balance"), SQL("receivable.company_id")
                ),
                residual=self._kpi_amount_sql(
                    scope, SQL("receivable.amount_residual"), SQL("receivable.company_id")
                ),
            )
        )
        row = self.env.cr.dictfetchone()
        if not row["item_count"]:
            return None
        return row

    def _kpi_receivable_figures_snapshot(self, scope):
        """:meth:`_kpi_receivable_figures` read from the receivable day ledger of
        ``adv.kpi.snapshot``: the same sums, over days and due dates instead of items
        (the residual of a due date at the period end is the balances of its items
        less their reconciliations dated up to then). One query."""
        date_from, date_to = scope["date_from"], scope["date_to"]

        def amount(column):
            return self._kpi_amount_sql(scope, SQL.identifier("due", column), SQL("due.company_id"))

        self.env.cr.execute(
            SQL(
                """
                WITH due AS (
                    SELECT company_id, date_due,
                           SUM(balance) FILTER (WHERE day < %(date_from)s) AS opening,
                           SUM(balance) AS closing,
                           SUM(sales) FILTER (WHERE day >= %(date_from)s) AS sales,
                           SUM(sales_count) FILTER (WHERE day >= %(date_from)s) AS sales_count,
                           SUM(item_count) AS item_count,
                           SUM(residual) AS residual,
                           %(date_to)s - date_due AS overdue
                      FROM adv_kpi_snap_receivable
                     WHERE company_id = ANY(%(company_ids)s) AND day <= %(date_to)s
                     GROUP BY company_id, date_due
                )
                SELECT COALESCE(SUM(item_count), 0) AS item_count,
                       COALESCE(SUM(%(opening)s), 0) AS opening,
                       COALESCE(SUM(%(closing)s), 0) AS closing,
                       COALESCE(SUM(%(sales)s), 0) AS credit_sales,
                       COALESCE(SUM(sales_count), 0) AS sales_count,
                       COALESCE(SUM(%(residual)s) FILTER (WHERE overdue <= 0), 0) AS not_due,
                       COALESCE(SUM(%(residual)s) FILTER (WHERE overdue BETWEEN 1 AND 30), 0)
                           AS a30,
                       COALESCE(SUM(%(residual)s) FILTER (WHERE overdue BETWEEN 31 AND 60), 0)
                           AS a60,
                       COALESCE(SUM(%(residual)s) FILTER (WHERE overdue BETWEEN 61 AND 90), 0)
                           AS a90,
                       COALESCE(SUM(%(residual)s) FILTER (WHERE overdue > 90), 0) AS over90
                  FROM due
                """,
                date_from=date_from,
                date_to=date_to,
                company_ids=scope["company_ids"],
                opening=amount("opening"),
                closing=amount("closing"),
                sales=amount("sales"),
                residual=amount("residual"),
            )
        )
        row = self.env.cr.dictfetchone()
        if not row["item_count"]:
            return None
        return row

    def _kpi_dso(self, scope, figures=None):
        """DSO, simple method, in days.

        receivable at period end / credit sales of the period x days of the period.
        Credit sales are the invoices less credit notes of the period, tax included.
        """
        figures = figures if figures is not None else self._kpi_receivable_figures(scope)
        if not figures or figures["credit_sales"] <= 0:
            return None
        return figures["closing"] / figures["credit_sales"] * scope["days"]

    def _kpi_best_dso(self, scope, figures=None):
        """Best possible DSO, in days: only the receivable not yet due, same formula."""
        figures = figures if figures is not None else self._kpi_receivable_figures(scope)
        if not figures or figures["credit_sales"] <= 0:
            return None
        return figures["not_due"] / figures["credit_sales"] * scope["days"]

    def _kpi_cei(self, scope, figures=None):
        """Collection Effectiveness Index, in percent.

        (opening receivable + credit sales - closing receivable)
        / (opening receivable + credit sales - closing receivable not yet due) x 100
        """
        figures = figures if figures is not None else self._kpi_receivable_figures(scope)
        if not figures:
            return None
        base = figures["opening"] + figures["credit_sales"]
        return self._kpi_ratio(base - figures["closing"], base - figures["not_due"], 100.0)

    def _kpi_ageing(self, scope, figures=None):
        """Receivable at period end by days past due, in the currency of
        ``env.company``; ``overdue`` is the part past its due date (total - not due)."""
        figures = figures if figures is not None else self._kpi_receivable_figures(scope)
        if not figures:
            return None
        return {
            "not_due": figures["not_due"],
            "1_30": figures["a30"],
            "31_60": figures["a60"],
            "61_90": figures["a90"],
            "over_90": figures["over90"],
            "overdue": figures["closing"] - figures["not_due"],
            "total": figures["closing"],
        }

    def _kpi_dso_countback(self, scope):
        """DSO, countback method, in days. One query.

        Start from the receivable at period end and walk back month by month (the
        month of the period end counts from its 1st to the period end): while the
        receivable left exceeds the month's credit sales, take the month's sales off
        and add its days; the last month adds its days pro rata of what is left.
        Stops after 24 months. Amounts in the currency of ``env.company``, journal items
        the user may read.
        """
        if not self._kpi_readable(scope, "account.move"):
            return None
        date_to = scope["date_to"]
        horizon_start = date_to.replace(day=1) - relativedelta(months=COUNTBACK_HORIZON - 1)
        if self._kpi_snapshot_tz(
            scope, "adv.kpi.ageing.report", "account.move", "account.move.line"
        ):
            # The same sums from the day ledger: a month's sales are NULL when it has
            # no invoice nor credit note, as below.
            balance = self._kpi_amount_sql(scope, SQL("r.balance"), SQL("r.company_id"))
            sales = self._kpi_amount_sql(scope, SQL("r.sales"), SQL("r.company_id"))
            self.env.cr.execute(
                SQL(
                    """
                    SELECT date_trunc('month', r.day)::date AS month,
                           SUM(%(sales)s) FILTER (
                               WHERE r.sales_count > 0 AND r.day >= %(horizon_start)s),
                           SUM(SUM(%(balance)s)) OVER ()
                      FROM adv_kpi_snap_receivable r
                     WHERE r.company_id = ANY(%(company_ids)s) AND r.day <= %(date_to)s
                     GROUP BY 1
                    """,
                    sales=sales,
                    balance=balance,
                    horizon_start=horizon_start,
                    company_ids=scope["company_ids"],
                    date_to=date_to,
                )
            )
            return self._kpi_countback_rows(self.env.cr.fetchall(), date_to)
        self.env.cr.execute(
            SQL(
                """
                SELECT date_trunc('month', aml.date)::date AS month,
                       SUM(%(balance)s) FILTER (
                           WHERE am.move_type IN ('out_invoice', 'out_refund')
                             AND aml.date >= %(horizon_start)s) AS sales,
                       SUM(SUM(%(balance)s)) OVER () AS receivable
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE aml.parent_state = 'posted'
                   AND acc.account_type = 'asset_receivable'
                   AND aml.company_id = ANY(%(company_ids)s)
                   AND aml.date <= %(date_to)s
                   AND %(partner)s
                   AND %(move_rules)s
                   AND %(line_rules)s
                 GROUP BY 1
                """,
                balance=self._kpi_amount_sql(scope, SQL("aml.balance"), SQL("aml.company_id")),
                move_rules=self._kpi_rule_sql("account.move", SQL("aml.move_id")),
                line_rules=self._kpi_rule_sql("account.move.line", SQL("aml.id")),
                company_ids=scope["company_ids"],
                date_to=date_to,
                horizon_start=horizon_start,
                partner=self._kpi_partner_sql(scope, SQL("aml.partner_id")),
            )
        )
        return self._kpi_countback_rows(self.env.cr.fetchall(), date_to)

    def _kpi_countback_rows(self, rows, date_to):
        # One pass over the months: the receivable at period end is the total of every
        # month (summed in SQL, exact), the credit sales those of the months of the
        # horizon (NULL for a month without invoice nor credit note).
        receivable = 0.0
        sales = {}
        for month, amount, total in rows:
            receivable = total
            if amount is not None:
                sales[month] = amount
        if not sales:
            return None
        return self._kpi_countback_walk(receivable, sales, date_to)

    @staticmethod
    def _kpi_countback_walk(receivable, sales, date_to):
        days = 0.0
        month_start = date_to.replace(day=1)
        month_end = date_to
        for _index in range(COUNTBACK_HORIZON):
            if receivable <= 0:
                break
            month_days = (month_end - month_start).days + 1
            month_sales = sales.get(month_start, 0.0)
            if 0 < month_sales and receivable <= month_sales:
                days += receivable / month_sales * month_days
                receivable = 0.0
                break
            receivable -= max(month_sales, 0.0)
            days += month_days
            month_start -= relativedelta(months=1)
            month_end = month_start.replace(
                day=calendar.monthrange(month_start.year, month_start.month)[1]
            )
        return days

    # ------------------------------------------------------------------
    # DISPUTES, SERVICE, WORKLOAD, REVENUE
    # ------------------------------------------------------------------

    def _kpi_rate_groups(self, scope, kpi, groupby=()):
        """Rate KPI (dispute rate, OTIF) of the period, per value of ``groupby``.

        One grouped query on the KPI's analysis; returns ``(group values..., count,
        rate)`` tuples, or None when there is nothing to read.
        """
        entry = self._kpi_catalogue_get(kpi)
        rate = entry["rate"]
        if not rate:
            raise UserError(self.env._("The KPI %(key)s is not a rate.", key=kpi))
        if not self._kpi_readable(scope, rate["source"]):
            return None
        if kpi == "otif":
            # Lines promised after today are not due yet.
            today = fields.Date.context_today(self)
            if scope["date_from"] > today:
                return None
            scope = dict(scope, date_to=min(scope["date_to"], today))
        if not groupby:
            tz = self._kpi_snapshot_tz(scope, rate["model"], *RATE_FACTS[kpi]["sources"])
            if tz:
                return self._kpi_rate_snapshot(scope, kpi, tz)
        return self.env[rate["model"]]._read_group(
            self._kpi_report_domain(scope, entry["date_field"]),
            groupby=list(groupby),
            aggregates=[f"{rate['count_field']}:sum", f"{rate['rate_field']}:avg"],
        )

    def _kpi_rate_snapshot(self, scope, kpi, tz):
        """The dispute rate or OTIF of the period from the snapshot: the rows of the
        analysis, summed (a row's rate is 100 or 0, its average is 100 x hits / rows)."""
        fact = RATE_FACTS[kpi]
        self.env.cr.execute(
            SQL(
                "SELECT SUM(%(count)s), SUM(%(hits)s) * 100.0 / NULLIF(SUM(%(count)s), 0) "
                "FROM %(table)s WHERE %(tz)s AND company_id = ANY(%(company_ids)s) "
                "AND %(date)s BETWEEN %(date_from)s AND %(date_to)s",
                count=SQL.identifier(fact["count"]),
                hits=SQL.identifier(fact["hits"]),
                table=SQL.identifier(fact["table"]),
                date=SQL.identifier(fact["date"]),
                tz=SQL("tz = %s", tz) if fact["per_tz"] else SQL("TRUE"),
                company_ids=scope["company_ids"],
                date_from=scope["date_from"],
                date_to=scope["date_to"],
            )
        )
        return self.env.cr.fetchall()

    def _kpi_dispute_rate(self, scope):
        """Invoices of the period disputed or corrected by a credit note / invoices
        issued in the period, in percent. One query."""
        groups = self._kpi_rate_groups(scope, "dispute_rate")
        if not groups or not groups[0][0]:
            return None
        return groups[0][1]

    def _kpi_otif(self, scope):
        """Order lines delivered in full by their promised date / order lines due in
        the period, in percent. Lines promised after today are not due yet. One query."""
        groups = self._kpi_rate_groups(scope, "otif")
        if not groups or not groups[0][0]:
            return None
        return groups[0][1]

    def _kpi_order_cycle(self, scope):
        """Average days from confirmation to full delivery of the orders fully
        delivered in the period, and from confirmation to first invoice of the orders
        first invoiced in the period. One query."""
        if not self._kpi_readable(scope, "sale.order"):
            return None, None
        tz = self._kpi_snapshot_tz(scope, "adv.kpi.cycle.report", "sale.order")
        if tz:
            dates = (scope["date_from"], scope["date_to"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT AVG(delivery_days) FILTER (WHERE date_delivered BETWEEN %s AND %s),
                           AVG(invoice_days) FILTER (WHERE date_invoiced BETWEEN %s AND %s)
                      FROM adv_kpi_snap_cycle
                     WHERE tz = %s AND company_id = ANY(%s)
                       AND (date_delivered BETWEEN %s AND %s OR date_invoiced BETWEEN %s AND %s)
                    """,
                    *dates,
                    *dates,
                    tz,
                    scope["company_ids"],
                    *dates,
                    *dates,
                )
            )
            return self.env.cr.fetchone()
        domain = [("company_id", "in", scope["company_ids"])]
        domain += self._kpi_partner_domain(scope)
        dates = (scope["date_from"], scope["date_to"])
        # _search applies the record rules of the analysis; both averages in one pass.
        query = self.env["adv.kpi.cycle.report"]._search(domain)
        self.env.cr.execute(
            query.select(
                SQL("AVG(delivery_days) FILTER (WHERE date_delivered BETWEEN %s AND %s)", *dates),
                SQL("AVG(invoice_days) FILTER (WHERE date_invoiced BETWEEN %s AND %s)", *dates),
            )
        )
        return self.env.cr.fetchone()

    def _kpi_revenue(self, scope):
        """Net revenue of the period: invoices less credit notes, untaxed, in the
        currency of ``env.company``. One query."""
        if not self._kpi_readable(scope, "account.move"):
            return None
        if self._kpi_snapshot_tz(
            scope, "adv.kpi.revenue.report", "account.move", "account.move.line"
        ):
            self.env.cr.execute(
                SQL(
                    "SELECT COALESCE(SUM(line_count), 0), COALESCE(SUM(%s), 0) "
                    "FROM adv_kpi_snap_revenue "
                    "WHERE company_id = ANY(%s) AND date BETWEEN %s AND %s",
                    self._kpi_amount_sql(scope, SQL("amount"), SQL("company_id")),
                    scope["company_ids"],
                    scope["date_from"],
                    scope["date_to"],
                )
            )
            count, amount = self.env.cr.fetchone()
            return amount if count else None
        report = self.env["adv.kpi.revenue.report"]
        count, amount = self._kpi_report_sums(
            scope, report, self._kpi_report_domain(scope, "date"), "amount"
        )
        return amount if count else None

    def _kpi_report_sums(self, scope, report, domain, *amount_fields):
        """``(row count, sum of each amount field converted to the currency of
        env.company)`` of the rows of an analysis matching ``domain``: one query, with
        the analysis' own access checks and rules (``_search``)."""
        query = report._search(domain)
        company = SQL.identifier(query.table, "company_id")
        self.env.cr.execute(
            query.select(
                SQL("COUNT(*)"),
                *(
                    SQL(
                        "COALESCE(SUM(%s), 0)",
                        self._kpi_amount_sql(scope, SQL.identifier(query.table, name), company),
                    )
                    for name in amount_fields
                ),
            )
        )
        return self.env.cr.fetchone()

    def _kpi_backlog(self, scope):
        """Order book at period end, untaxed, in the currency of ``env.company``. One
        query.

        ``to_deliver``: confirmed, not delivered; ``to_invoice``: delivered, not
        invoiced; ``total``: both.
        """
        if not self._kpi_readable(scope, "sale.order"):
            return None
        tz = self._kpi_snapshot_tz(scope, "adv.kpi.backlog.report", "sale.order", "sale.order.line")
        if tz:
            count, to_deliver, to_invoice = self._kpi_backlog_snapshot(scope, tz)
        else:
            domain = [("company_id", "in", scope["company_ids"])]
            domain += self._kpi_partner_domain(scope)
            report = self.env["adv.kpi.backlog.report"].with_context(adv_kpi_date=scope["date_to"])
            count, to_deliver, to_invoice = self._kpi_report_sums(
                scope, report, domain, "amount_to_deliver", "amount_to_invoice"
            )
        if not count:
            return None
        return {
            "to_deliver": to_deliver,
            "to_invoice": to_invoice,
            "total": to_deliver + to_invoice,
        }

    def _kpi_backlog_snapshot(self, scope, tz):
        """``(lines in the book, to deliver, to invoice)`` at the period end from the
        snapshot (see :meth:`_kpi_backlog_snapshot_days`); the trends read the twelve
        month ends at once and leave them in ``scope["backlog_days"]``."""
        days = scope.get("backlog_days")
        if days is None or scope["date_to"] not in days:
            days = self._kpi_backlog_snapshot_days(scope["company_ids"], tz, [scope["date_to"]])
        exists, amounts = days[scope["date_to"]]
        if not exists:
            return 0, 0.0, 0.0
        rates = scope["rates"]
        to_deliver = sum(deliver * rates[company] for company, (deliver, _inv) in amounts.items())
        to_invoice = sum(invoice * rates[company] for company, (_del, invoice) in amounts.items())
        return 1, to_deliver, to_invoice

    def _kpi_backlog_snapshot_days(self, company_ids, tz, days):
        """The order book at each of ``days`` from the snapshot: the weights of the
        lines' versions valid that day (see
        ``adv.kpi.backlog.report._kpi_versions_query``), in each company's currency.
        Two queries whatever the number of days, over the open order book and the
        versions ended since the first day, not over the history.

        :return: {day: (whether the book had lines by then, {company id: (to deliver,
            to invoice)})}
        """
        # each company's first order line, read from the end of an index
        self.env.cr.execute(
            """
            SELECT company.id,
                   (SELECT MIN(date_order) FROM adv_kpi_snap_backlog
                     WHERE tz = %s AND company_id = company.id)
              FROM unnest(%s::int[]) AS company(id)
            """,
            [tz, company_ids],
        )
        started = [start for _company, start in self.env.cr.fetchall() if start]
        # The lines' current versions (the open order book) and the versions that ended
        # after the first day. Each adds its weight on its first day and takes it off on
        # its end day: summed per day, then per first sampled day on or after it
        # (``width_bucket`` over the sorted days), the book of the k-th day is the
        # running sum of these changes up to k (numeric, exact: the sum of the versions
        # valid that day). A join of every version with every day cost five times more.
        days = sorted(set(days))
        self.env.cr.execute(
            """
            WITH change AS (
                SELECT company_id, valid_from AS day, to_deliver, to_invoice
                  FROM adv_kpi_snap_backlog_versions
                 WHERE tz = %(tz)s AND company_id = ANY(%(company_ids)s)
                   AND (valid_to IS NULL OR valid_to > %(first)s) AND valid_from <= %(last)s
                 UNION ALL
                SELECT company_id, valid_to, -to_deliver, -to_invoice
                  FROM adv_kpi_snap_backlog_versions
                 WHERE tz = %(tz)s AND company_id = ANY(%(company_ids)s)
                   AND valid_to > %(first)s AND valid_to <= %(last)s
            ),
            daily AS (
                SELECT company_id, day, SUM(to_deliver) AS to_deliver,
                       SUM(to_invoice) AS to_invoice
                  FROM change
                 GROUP BY company_id, day
            )
            SELECT company_id, day_index,
                   SUM(SUM(to_deliver)) OVER book, SUM(SUM(to_invoice)) OVER book
              FROM (
                SELECT company_id, width_bucket(day - 1, %(days)s::date[]) + 1 AS day_index,
                       to_deliver, to_invoice
                  FROM daily
              ) AS sampled
             WHERE day_index <= %(count)s
             GROUP BY company_id, day_index
            WINDOW book AS (PARTITION BY company_id ORDER BY day_index)
            """,
            {
                "tz": tz,
                "company_ids": company_ids,
                "first": days[0],
                "last": days[-1],
                "days": days,
                "count": len(days),
            },
        )
        result = {day: (any(start <= day for start in started), {}) for day in days}
        changes = {
            (company, index): (deliver, invoice)
            for company, index, deliver, invoice in self.env.cr.fetchall()
        }
        # a day without change keeps the book of the day before
        for company in sorted({company for company, _index in changes}):
            current = None
            for index, day in enumerate(days, start=1):
                current = changes.get((company, index), current)
                if current is not None:
                    result[day][1][company] = current
        return result

    def _kpi_productivity(self, scope):
        """Documents handled per user in the period (counts). One query."""
        if not self._kpi_readable(scope, "sale.order", "account.move"):
            return None
        tz = self._kpi_snapshot_tz(
            scope, "adv.kpi.clerk.report", "sale.order", "account.move", "adv.dispute"
        )
        if tz:
            return self._kpi_productivity_snapshot(scope, tz)
        groups = self.env["adv.kpi.clerk.report"]._read_group(
            self._kpi_report_domain(scope, "date"),
            groupby=["user_id"],
            aggregates=[
                "order_count:sum",
                "invoice_count:sum",
                "credit_note_count:sum",
                "dispute_count:sum",
            ],
            order="user_id",
        )
        if not groups:
            return None
        return [
            {
                "user_id": user.id,
                "user_name": user.display_name,
                "orders": orders,
                "invoices": invoices,
                "credit_notes": refunds,
                "disputes": disputes,
            }
            for user, orders, invoices, refunds, disputes in groups
        ]

    def _kpi_productivity_snapshot(self, scope, tz):
        """:meth:`_kpi_productivity` from the snapshot (the rows of the workload
        analysis), in the order of users of the analysis (``res.users._order``, no
        user last)."""
        self.env.cr.execute(
            """
            SELECT user_id, SUM(order_count), SUM(invoice_count), SUM(credit_note_count),
                   SUM(dispute_count)
              FROM adv_kpi_snap_clerk
             WHERE tz = %s AND company_id = ANY(%s) AND date BETWEEN %s AND %s
             GROUP BY user_id
            """,
            [tz, scope["company_ids"], scope["date_from"], scope["date_to"]],
        )
        counts = {user_id: row for user_id, *row in self.env.cr.fetchall()}
        if not counts:
            return None
        users = self.env["res.users"].with_context(active_test=False)
        # The analysis' order of users, whichever the user may read (names only).
        found = users.sudo().search([("id", "in", [uid for uid in counts if uid])])
        ordered = list(users.browse(found.ids))
        if None in counts:
            ordered.append(users)
        return [
            {
                "user_id": user.id,
                "user_name": user.display_name,
                "orders": counts[user.id or None][0],
                "invoices": counts[user.id or None][1],
                "credit_notes": counts[user.id or None][2],
                "disputes": counts[user.id or None][3],
            }
            for user in ordered
        ]

    # ------------------------------------------------------------------
    # PUBLIC API
    # ------------------------------------------------------------------

    @api.model
    def compute_kpis(self, date_from, date_to, company_ids=None, partner_ids=None):
        """Compute the ADV KPIs of a period, for scheduled actions and integrations.

        :param date_from: first day of the period (date or ``YYYY-MM-DD``)
        :param date_to: last day of the period, included
        :param company_ids: companies to include, intersected with the user's allowed
            companies (default: all of them)
        :param partner_ids: restrict to these customers (their commercial entities)
        :return: dict with ``date_from``, ``date_to`` and one value per key of
            :meth:`_kpi_catalogue` (nothing else); every value is ``None`` when the
            period has no data:

            - ``dso``, ``dso_countback``, ``best_dso``, ``add``: days (float);
              ``add`` (average days delinquent) = ``dso`` - ``best_dso``
            - ``cei``, ``dispute_rate``, ``otif``: percent, 0 to 100 (float)
            - ``order_cycle_days``, ``invoice_cycle_days``: average days (float)
            - ``revenue``: net untaxed revenue
            - ``backlog``: dict ``to_deliver``, ``to_invoice``, ``total``, untaxed,
              at ``date_to``
            - ``ageing``: dict ``not_due``, ``1_30``, ``31_60``, ``61_90``,
              ``over_90``, ``overdue`` (total - not due), ``total``, receivable tax
              included at ``date_to``
            - ``productivity``: list of dicts ``user_id``, ``user_name``, ``orders``,
              ``invoices``, ``credit_notes``, ``disputes`` (counts)
            - ``receivable``, ``credit_sales``: tax included

        **Currency.** Every amount (``revenue``, ``backlog``, ``ageing``,
        ``receivable``, ``credit_sales``, and the amounts behind ``dso``,
        ``dso_countback``, ``best_dso``, ``add`` and ``cei``) is in the currency of
        ``env.company``: each company's amounts, kept by Odoo in that company's
        currency, are converted at the rate of ``env.company`` on ``date_to`` (the
        period end; ``res.currency._get_conversion_rate``, once per company), then
        added. The ratios are computed on the converted amounts. A company sharing the
        currency of ``env.company`` is not converted.

        **Rights.** The user must be allowed to read the documents of a KPI (invoices,
        sales orders), and only the companies he may see and the documents his record
        rules let him read are counted: a salesman who sees his own invoices gets the
        KPIs of his own invoices.
        """
        scope = self._kpi_scope(date_from, date_to, company_ids, partner_ids)
        # The queries read the tables directly: write pending changes first.
        self.env.flush_all()
        scope["snapshot"] = self._kpi_snapshot_prepare(scope)
        return self._kpi_compute_scope(scope)

    def _kpi_compute_scope(self, scope, keys=None):
        """The KPIs of ``scope`` as :meth:`compute_kpis` returns them; with ``keys``,
        only the queries those KPIs need run, the other keys are None (the trends)."""

        def need(*names):
            return keys is None or not set(keys).isdisjoint(names)

        figures = self._kpi_receivable_figures(scope) if need(*RECEIVABLE_KEYS) else None
        dso = self._kpi_dso(scope, figures) if figures else None
        best_dso = self._kpi_best_dso(scope, figures) if figures else None
        order_cycle, invoice_cycle = (
            self._kpi_order_cycle(scope)
            if need("order_cycle_days", "invoice_cycle_days")
            else (None, None)
        )

        def value(key, method):
            return method(scope) if need(key) else None

        # Keys in the order of the catalogue; a test checks both hold the same keys.
        return {
            "date_from": scope["date_from"],
            "date_to": scope["date_to"],
            "dso": dso,
            "dso_countback": value("dso_countback", self._kpi_dso_countback),
            "best_dso": best_dso,
            "add": dso - best_dso if dso is not None and best_dso is not None else None,
            "cei": self._kpi_cei(scope, figures) if figures else None,
            "ageing": self._kpi_ageing(scope, figures) if figures else None,
            "receivable": figures["closing"] if figures else None,
            "credit_sales": figures["credit_sales"] if figures else None,
            "dispute_rate": value("dispute_rate", self._kpi_dispute_rate),
            "otif": value("otif", self._kpi_otif),
            "order_cycle_days": order_cycle,
            "invoice_cycle_days": invoice_cycle,
            "revenue": value("revenue", self._kpi_revenue),
            "backlog": value("backlog", self._kpi_backlog),
            "productivity": value("productivity", self._kpi_productivity),
        }

    @api.model
    def compute_breakdown(
        self, kpi, groupby, date_from, date_to, company_ids=None, partner_ids=None
    ):
        """A rate KPI of the period broken down by one dimension (one grouped query).

        :param kpi: ``"dispute_rate"`` or ``"otif"``
        :param groupby: a field of the KPI's analysis: ``partner_id``, ``user_id``,
            ``reason`` or ``origin`` for the dispute rate; ``partner_id``,
            ``product_id``, ``categ_id`` or ``user_id`` for OTIF
        :return: list of dicts ``label``, ``count`` (invoices issued or lines due)
            and ``rate`` (percent), highest count first; None without data
        """
        scope = self._kpi_scope(date_from, date_to, company_ids, partner_ids)
        self.env.flush_all()
        groups = self._kpi_rate_groups(scope, kpi, [groupby])
        if not groups:
            return None
        model = self.env[self._kpi_catalogue_get(kpi)["rate"]["model"]]
        field = model._fields[groupby]
        labels = {}
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
        rows = []
        for value, count, rate in groups:
            if field.type == "selection":
                label = labels.get(value) or self.env._("Undefined")
            else:
                label = value.display_name or self.env._("Undefined")
            rows.append({"label": label, "count": count, "rate": rate})
        return sorted(rows, key=lambda row: (-row["count"], row["label"]))

    @api.model
    def _kpi_previous_period(self, date_from, date_to):
        """The period just before, to compare with.

        A period starting on the 1st of a month is compared with the same span that
        many months earlier (a month, a quarter, a year, or a month to date with the
        same days of the previous month); any other period with the same number of
        days just before it.
        """
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if date_from.day == 1:
            months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
            prev_to = date_to - relativedelta(months=months)
            if (date_to + timedelta(days=1)).day == 1:
                prev_to += relativedelta(day=31)
            return date_from - relativedelta(months=months), prev_to
        days = (date_to - date_from).days + 1
        return date_from - timedelta(days=days), date_from - timedelta(days=1)

    @api.model
    def get_dashboard_data(self, date_from, date_to):
        """Everything the ADV dashboard shows, in one call.

        Returns the KPIs of the period and of the previous one (see
        :meth:`_kpi_previous_period`), the catalogue the cards are drawn from (see
        :meth:`_kpi_catalogue`: labels, units, which way is good news) and the currency
        of ``env.company``, in which every amount is, and the twelve-month trends of
        the numbers the catalogue flags ``trend`` (see :meth:`_kpi_trend_values`). The
        number of queries does not depend on the volume of data.
        """
        prev_from, prev_to = self._kpi_previous_period(date_from, date_to)
        currency = self.env.company.currency_id
        kpi = with_server_flag(self, "adv_kpi_skip_denied")
        # compute_kpis, the integrators' extension point (a KPI added by overriding it
        # shows on the cards); the trends read the snapshot once for their twelve months.
        return {
            "current": self._kpi_jsonable(kpi.compute_kpis(date_from, date_to)),
            "previous": self._kpi_jsonable(kpi.compute_kpis(prev_from, prev_to)),
            "catalogue": self._kpi_catalogue(),
            "trends": self._kpi_trend_values(date_to),
            "currency": {
                "symbol": currency.symbol,
                "position": currency.position,
                "digits": currency.decimal_places,
            },
        }

    @api.model
    def _kpi_jsonable(self, kpis):
        return {
            key: fields.Date.to_string(value) if key in ("date_from", "date_to") else value
            for key, value in kpis.items()
        }

    @api.model
    def action_open_analysis(self, kpi, date_from, date_to):
        """The analysis behind a KPI of the catalogue, filtered on the period."""
        entry = self._kpi_catalogue_get(kpi)
        date_field = entry["date_field"]
        action = self.env["ir.actions.act_window"]._for_xml_id(entry["action"])
        if date_field:
            action["domain"] = [(date_field, ">=", date_from), (date_field, "<=", date_to)]
        else:
            action["context"] = {"adv_kpi_date": date_to}
        return action

    # ------------------------------------------------------------------
    # TRENDS
    # ------------------------------------------------------------------

    @api.model
    def _kpi_trend_periods(self, date_to, months=12):
        """The ``months`` calendar months ending with the month of ``date_to``, oldest
        first, as ``(first day, last day)``; the last month is cut at ``date_to``."""
        date_to = fields.Date.to_date(date_to)
        start = date_to.replace(day=1) - relativedelta(months=months - 1)
        periods = []
        for _index in range(months):
            end = start + relativedelta(day=31)
            periods.append((start, min(end, date_to)))
            start += relativedelta(months=1)
        return periods

    @api.model
    def _kpi_trend_values(self, date_to, months=12):
        """The monthly trends of the dashboard: the numbers of the catalogue flagged
        ``trend`` (see :meth:`_kpi_catalogue_numbers`), over the months of
        :meth:`_kpi_trend_periods`.

        Like the dashboard, a number the user may not read is left empty (``None``)
        instead of failing. The KPIs of each month are those of :meth:`compute_kpis`
        on that month (only the queries of the charted KPIs, the snapshot brought up to
        date once). From the snapshot, DSO, revenue, dispute rate, OTIF and the order
        book are read for all the months at once (see :meth:`_kpi_trend_snapshot`):
        the number of queries depends neither on ``months`` nor on the volume of data;
        from the documents it grows with ``months``.

        :return: dict ``months``: list of dicts ``date_from``, ``date_to``
            (``YYYY-MM-DD``); ``values``: {number path (``dso``, ``backlog.total``):
            list of one value per month, ``None`` without data}
        """
        paths = [number["path"] for number in self._kpi_catalogue_numbers() if number["trend"]]
        periods = self._kpi_trend_periods(date_to, months)
        keys = {number["kpi"] for number in self._kpi_catalogue_numbers() if number["trend"]}
        kpi = with_server_flag(self, "adv_kpi_skip_denied")
        self.env.flush_all()
        whole = kpi._kpi_scope(periods[0][0], periods[-1][1])
        snapshot = kpi._kpi_snapshot_prepare(whole)
        scopes = [dict(kpi._kpi_scope(start, end), snapshot=snapshot) for start, end in periods]
        # The charted KPIs the snapshot gives for the twelve months at once, one query
        # each; the others are computed month by month below.
        batched = kpi._kpi_trend_snapshot(dict(whole, snapshot=snapshot), scopes, keys)
        backlog_days = None
        if snapshot and "backlog" in keys:
            # the twelve month ends of the order book in one reading of the snapshot
            backlog_days = kpi._kpi_backlog_snapshot_days(
                whole["company_ids"], snapshot, [end for _start, end in periods]
            )
        values = {path: [] for path in paths}
        for index, scope in enumerate(scopes):
            scope["backlog_days"] = backlog_days
            kpis = kpi._kpi_compute_scope(scope, set(keys) - set(batched))
            kpis.update((key, points[index]) for key, points in batched.items())
            for path in paths:
                values[path].append(self._kpi_read_path(kpis, path))
        return {
            "months": [
                {"date_from": fields.Date.to_string(start), "date_to": fields.Date.to_string(end)}
                for start, end in periods
            ],
            "values": values,
        }

    def _kpi_trend_snapshot(self, whole, scopes, keys):
        """The charted KPIs of ``keys`` that the snapshot gives for every month of
        ``scopes`` at once: DSO, dispute rate, OTIF and revenue, one query each over the
        snapshot's facts grouped by month, each month's amounts converted at its own
        period-end rates. The sums are those of the queries of one month (numeric, in
        SQL), so every value is the one :meth:`compute_kpis` gives for its month.
        Each fact is summed per company and month first, then the months are matched
        with the periods (which start on the 1st, the last one cut at its end by the
        query's date bound): a join of every row with the twelve periods cost ten
        times more at M.

        A KPI is left out (computed month by month) when the user does not read it
        from the snapshot (see :meth:`_kpi_snapshot_tz`), when there is no snapshot,
        and for DSO when another number of the receivable is charted too (an override
        of the catalogue), which then reads the month's figures anyway.

        :param whole: the scope of the twelve months, its ``snapshot`` prepared
        :return: {key: [value of each month]}
        """
        if not whole.get("snapshot") or not whole["company_ids"]:
            return {}
        periods = SQL(", ").join(
            SQL(
                "(%s, %s::date, %s::date, %s, %s::numeric)",
                index,
                scope["date_from"],
                scope["date_to"],
                company_id,
                scope["rates"].get(company_id, 1.0),
            )
            for index, scope in enumerate(scopes)
            for company_id in scope["company_ids"]
        )
        batched = {}
        if set(keys) & set(RECEIVABLE_KEYS) == {"dso"} and self._kpi_trend_readable(
            whole, "adv.kpi.ageing.report", "account.move", "account.move.line"
        ):
            batched["dso"] = self._kpi_trend_dso(whole, scopes, periods)
        if "revenue" in keys and self._kpi_trend_readable(
            whole, "adv.kpi.revenue.report", "account.move", "account.move.line"
        ):
            batched["revenue"] = self._kpi_trend_revenue(whole, scopes, periods)
        for kpi in ("dispute_rate", "otif"):
            rate = self._kpi_catalogue_get(kpi)["rate"]
            source = RATE_FACTS[kpi]["sources"]
            if kpi in keys and self._kpi_trend_readable(whole, rate["model"], *source):
                batched[kpi] = self._kpi_trend_rate(whole, scopes, periods, kpi)
        return batched

    def _kpi_trend_readable(self, whole, report, *model_names):
        """Whether a KPI reading ``model_names`` through ``report`` is read from the
        snapshot for this user: the checks of the month-by-month computation, once
        (those of the documents' lines too, which the snapshot's facts are built from:
        a user who may not read them gets the month-by-month computation)."""
        if not self._kpi_readable(whole, *model_names):
            return False
        return bool(self._kpi_snapshot_tz(whole, report, *model_names))

    def _kpi_trend_dso(self, whole, scopes, periods):
        """DSO of each month from the receivable day ledger (see
        :meth:`_kpi_receivable_figures_snapshot`): the ledger summed per company and
        month once, each month then taking the months up to it (its closing
        receivable) and its own (its credit sales)."""
        before = scopes[0]["date_from"] - relativedelta(months=1)
        self.env.cr.execute(
            SQL(
                """
                WITH period(idx, date_from, date_to, company_id, rate) AS (VALUES %(periods)s),
                month AS (
                    SELECT company_id,
                           GREATEST(date_trunc('month', day::timestamp)::date, %(before)s)
                               AS month,
                           SUM(balance) AS balance, SUM(sales) AS sales,
                           SUM(item_count) AS item_count
                      FROM adv_kpi_snap_receivable
                     WHERE company_id = ANY(%(company_ids)s) AND day <= %(date_to)s
                     GROUP BY 1, 2
                )
                SELECT p.idx, SUM(m.item_count),
                       COALESCE(SUM(m.balance * p.rate), 0),
                       COALESCE(SUM(m.sales * p.rate) FILTER (WHERE m.month = p.date_from), 0)
                  FROM period p
                  JOIN month m ON m.company_id = p.company_id AND m.month <= p.date_from
                 GROUP BY p.idx
                """,
                periods=periods,
                before=before,
                company_ids=whole["company_ids"],
                date_to=whole["date_to"],
            )
        )
        figures = {
            index: {"closing": closing, "credit_sales": sales}
            for index, count, closing, sales in self.env.cr.fetchall()
            if count
        }
        return [
            self._kpi_dso(scope, figures[index]) if index in figures else None
            for index, scope in enumerate(scopes)
        ]

    def _kpi_trend_revenue(self, whole, scopes, periods):
        """Net revenue of each month from the snapshot (see :meth:`_kpi_revenue`)."""
        self.env.cr.execute(
            SQL(
                """
                WITH period(idx, date_from, date_to, company_id, rate) AS (VALUES %(periods)s),
                month AS (
                    SELECT company_id, date_trunc('month', date::timestamp)::date AS month,
                           SUM(line_count) AS line_count, SUM(amount) AS amount
                      FROM adv_kpi_snap_revenue
                     WHERE company_id = ANY(%(company_ids)s)
                       AND date BETWEEN %(date_from)s AND %(date_to)s
                     GROUP BY 1, 2
                )
                SELECT p.idx, COALESCE(SUM(m.line_count), 0),
                       COALESCE(SUM(m.amount * p.rate), 0)
                  FROM period p
                  JOIN month m ON m.company_id = p.company_id AND m.month = p.date_from
                 GROUP BY p.idx
                """,
                periods=periods,
                company_ids=whole["company_ids"],
                date_from=whole["date_from"],
                date_to=whole["date_to"],
            )
        )
        amounts = {index: amount for index, count, amount in self.env.cr.fetchall() if count}
        return [amounts.get(index) for index in range(len(scopes))]

    def _kpi_trend_rate(self, whole, scopes, periods, kpi):
        """The dispute rate or OTIF of each month from the snapshot (see
        :meth:`_kpi_rate_snapshot`); for OTIF, lines promised after today are not due
        yet (a month starting after today has none)."""
        fact = RATE_FACTS[kpi]
        last = whole["date_to"]
        if kpi == "otif":
            last = min(last, fields.Date.context_today(self))
        self.env.cr.execute(
            SQL(
                """
                WITH period(idx, date_from, date_to, company_id, rate) AS (VALUES %(periods)s),
                month AS (
                    SELECT f.company_id, date_trunc('month', f.%(date)s::timestamp)::date AS month,
                           SUM(f.%(count)s) AS count, SUM(f.%(hits)s) AS hits
                      FROM %(table)s f
                     WHERE %(tz)s AND f.company_id = ANY(%(company_ids)s)
                       AND f.%(date)s BETWEEN %(date_from)s AND %(last)s
                     GROUP BY 1, 2
                )
                SELECT p.idx, SUM(m.count), SUM(m.hits) * 100.0 / NULLIF(SUM(m.count), 0)
                  FROM period p
                  JOIN month m ON m.company_id = p.company_id AND m.month = p.date_from
                 GROUP BY p.idx
                """,
                periods=periods,
                table=SQL.identifier(fact["table"]),
                date=SQL.identifier(fact["date"]),
                count=SQL.identifier(fact["count"]),
                hits=SQL.identifier(fact["hits"]),
                tz=SQL("f.tz = %s", whole["snapshot"]) if fact["per_tz"] else SQL("TRUE"),
                last=last,
                company_ids=whole["company_ids"],
                date_from=whole["date_from"],
            )
        )
        rates = {index: rate for index, count, rate in self.env.cr.fetchall() if count}
        return [rates.get(index) for index in range(len(scopes))]

    @staticmethod
    def _kpi_read_path(kpis, path):
        """The number at ``path`` (``revenue``, ``backlog.total``) of a result of
        :meth:`compute_kpis`; ``None`` when the KPI has no data."""
        value = kpis
        for key in path.split("."):
            if value is None:
                return None
            value = value.get(key)
        return value
