import calendar
import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock taken per company while a run works (second key: company).
ADVISORY_LOCK_KEY = 84_080_901


class AdvInvoicingRun(models.Model):
    _name = "adv.invoicing.run"
    _inherit = ["adv.run.mixin"]
    _description = "Invoicing Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    _adv_run_lock_key = ADVISORY_LOCK_KEY
    # Customers handled per batch: one transaction (one commit of the cron runner) per batch.
    _adv_batch_size = 50

    # Not stored: shown in the reader's language, whoever (the cron) created the run.
    name = fields.Char(compute="_compute_name")
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        index=True,
        help="Orders are invoiced according to their customer's rhythm on this date.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    line_ids = fields.One2many("adv.invoicing.run.line", "run_id", string="Results", readonly=True)
    invoice_ids = fields.Many2many("account.move", compute="_compute_counts", string="Invoices")
    invoice_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts", string="Invoices Posted and Sent")
    blocked_count = fields.Integer(compute="_compute_counts", string="Invoices Left in Draft")
    failed_count = fields.Integer(compute="_compute_counts", string="Failed Customers")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("date")
    def _compute_name(self):
        for run in self:
            run.name = (
                _("Invoicing run of %(date)s", date=format_date(self.env, run.date))
                if run.date
                else _("New")
            )

    @api.depends("line_ids.state", "line_ids.invoice_id")
    def _compute_counts(self):
        counts = defaultdict(dict)
        invoices = defaultdict(list)
        if self.ids:
            for run, state, count, invoice_ids in self.env["adv.invoicing.run.line"]._read_group(
                [("run_id", "in", self.ids)],
                ["run_id", "state"],
                ["__count", "invoice_id:array_agg"],
            ):
                counts[run.id][state] = count
                invoices[run.id] += [inv_id for inv_id in invoice_ids if inv_id]
        for run in self:
            run_counts = counts[run._origin.id]
            run.invoice_ids = [fields.Command.set(invoices[run._origin.id])]
            run.invoice_count = len(invoices[run._origin.id])
            run.sent_count = run_counts.get("posted_sent", 0)
            run.blocked_count = run_counts.get("draft_blocked", 0)
            run.failed_count = run_counts.get("failed", 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if {"date", "company_id"} & set(vals) and any(run.state != "draft" for run in self):
            raise UserError(_("The date and company of a run that has started cannot change."))
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_run(self):
        """Invoice what is delivered and due on the run's date, check, post and send.

        Safe to call again: a date that already has a done run for the company is skipped,
        invoiced orders are no longer 'to invoice', and drafts left by an interrupted run are
        picked up again instead of being created twice. From the screen, the whole run is
        one transaction: an error undoes it and is shown.
        """
        self.ensure_one()
        if self.state == "done":
            raise UserError(_("This invoicing run is already done."))
        self._adv_run_all_steps()
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        return action

    @api.model
    def _cron_run_invoicing(self):
        """Scheduled action: one batch of today's run of every company that switched the
        nightly run on (Settings); Odoo's cron runner commits and calls again while
        customers are left (see adv.run.mixin)."""
        return self._adv_cron_execute()

    # ------------------------------------------------------------
    # BUSINESS: run (adv.run.mixin)
    # ------------------------------------------------------------

    @api.model
    def _adv_cron_runs(self):
        # The cron runs as the superuser: every company; a user calling it: the companies allowed.
        companies = self.env["res.company"].search([]) if self.env.su else self.env.companies
        companies = companies.filtered("adv_invoicing_run_enabled")
        runs = self.browse()
        if not companies:
            return runs
        # A run that died on an earlier day is closed: its drafts are picked up by today's.
        self._adv_close_dead_runs([("company_id", "in", companies.ids), ("state", "=", "running")])
        for company in companies:
            if not self._adv_run_try_lock_company(company):
                continue  # another process finds or creates today's run of this company
            today = fields.Date.context_today(self.with_company(company))
            todays = self.search(
                [("company_id", "=", company.id), ("date", "=", today)], order="id"
            )
            # Today's run is resumed until done; once done or failed, nothing more today
            # (a failed run is re-run by hand from its form).
            run = todays.filtered(lambda r: r.state in ("draft", "running"))[:1]
            if not todays:
                run = self.with_company(company).create({"company_id": company.id, "date": today})
            runs |= run
        return runs

    def _adv_run_close(self):
        """A run of an earlier day that never finished: its customers are handled by the
        next run."""
        self.state = "failed"
        self._adv_run_log(_("Interrupted: closed by the next night's run, which takes over."))

    def _adv_run_is_pending(self):
        self.ensure_one()
        return self.state in ("draft", "running")

    def _adv_run_fail(self, message):
        self.ensure_one()
        self.state = "failed"
        self._adv_run_log(message)

    def _adv_run_step(self):
        self.ensure_one()
        starting = self.state == "draft"
        if starting:
            already_done = self.search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date", "=", self.date),
                    ("state", "=", "done"),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
            if already_done:
                self.state = "done"
                self._adv_run_log(
                    _(
                        "%(run)s is already done for this date: nothing invoiced again.",
                        run=already_done.name,
                    )
                )
                return 0
            self.state = "running"
        partners, orders_by_partner, drafts_by_partner = self._get_partners_to_invoice()
        if starting and (unsent := self._get_unsent_invoices()):
            errors = self._send_invoices_safely(unsent)
            self._adv_run_log(
                _(
                    "%(count)s invoice(s) posted by earlier runs and not e-mailed: %(result)s",
                    count=len(unsent),
                    result=", ".join(sorted(set(errors.values()))) or _("sent again"),
                )
            )
        if starting:
            self._adv_run_log(
                _(
                    "%(date)s: %(count)s customer(s) due (rhythms: %(rhythms)s).",
                    date=self.date,
                    count=len(partners),
                    rhythms=", ".join(self._get_due_rhythms()),
                )
            )
        batch = partners[: self._adv_batch_size]
        if batch:
            self._process_batch(batch, orders_by_partner, drafts_by_partner)
        left = len(partners) - len(batch)
        if not left:
            self.state = "done"
        return left

    # ------------------------------------------------------------
    # BUSINESS: selection
    # ------------------------------------------------------------

    def _get_due_rhythms(self):
        """Rhythms whose customers are invoiced on the run's date."""
        self.ensure_one()
        rhythms = ["delivery"]
        weekday = int(self.company_id.adv_invoicing_weekday or 0)
        if self.date.weekday() == weekday:
            rhythms.append("weekly")
        if self.date.day == calendar.monthrange(self.date.year, self.date.month)[1]:
            rhythms.append("monthly")
        return rhythms

    def _filter_due_partners(self, partners):
        """Commercial partners of `partners` whose effective rhythm is due on the run's date."""
        due = self._get_due_rhythms()
        default = self.company_id.adv_invoicing_rhythm_default or "delivery"
        return partners.commercial_partner_id.filtered(
            lambda p: (p.adv_invoicing_rhythm or default) in due
        )

    def _get_orders_to_invoice(self):
        """Confirmed orders of the company with delivered quantities still to invoice."""
        self.ensure_one()
        return self.env["sale.order"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "sale"),
                # an order on hold waits for an ADV manager's release
                ("adv_hold", "=", False),
                ("invoice_status", "=", "to invoice"),
                ("order_line.qty_delivered", ">", 0),
                # Returns alone (negative quantities to invoice) call for a credit note, a
                # decision for ADV (see the disputes), not for the nightly run: skip them early.
                ("order_line.qty_to_invoice", ">", 0),
            ],
            order="id",
        )

    def _get_pending_drafts(self):
        """Drafts made by earlier runs (interrupted, or blocked by a check): checked again."""
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "draft"),
                ("adv_invoicing_run_id", "!=", False),
            ],
            order="id",
        )

    def _get_partners_to_invoice(self):
        """Customers due on the run's date with orders to invoice or drafts to check again,
        not yet handled by this run (a run resumed after a crash goes on from there).

        :return: (customers, {customer: orders}, {customer: drafts})
        """
        self.ensure_one()
        orders = self._get_orders_to_invoice()
        drafts = self._get_pending_drafts()
        due_partners = self._filter_due_partners(orders.partner_id | drafts.partner_id)
        done = self.env["adv.invoicing.run.line"].search([("run_id", "=", self.id)]).partner_id
        orders_by_partner = defaultdict(lambda: self.env["sale.order"])
        for order in orders:
            orders_by_partner[order.partner_id.commercial_partner_id] |= order
        drafts_by_partner = defaultdict(lambda: self.env["account.move"])
        for draft in drafts:
            drafts_by_partner[draft.commercial_partner_id] |= draft
        partners = (
            (due_partners - done)
            .filtered(lambda p: p in orders_by_partner or p in drafts_by_partner)
            .sorted("id")
        )
        return partners, orders_by_partner, drafts_by_partner

    def _process_batch(self, partners, orders_by_partner, drafts_by_partner):
        """Invoice a batch of customers at once; on error, retry them one by one."""
        try:
            with self.env.cr.savepoint():
                self._invoice_partners(partners, orders_by_partner, drafts_by_partner)
            return
        except Exception as error:
            if len(partners) == 1:
                self._record_failure(partners, orders_by_partner, error)
                return
        for partner in partners:
            try:
                with self.env.cr.savepoint():
                    self._invoice_partners(partner, orders_by_partner, drafts_by_partner)
            except Exception as error:
                self._record_failure(partner, orders_by_partner, error)

    def _record_failure(self, partner, orders_by_partner, error):
        """Log a customer whose invoicing raised, and skip it."""
        _logger.warning("Invoicing run %s: customer %s failed", self.id, partner.id, exc_info=error)
        message = error.args[0] if getattr(error, "args", None) else repr(error)
        reason = _("Invoicing failed, customer skipped: %(error)s", error=message)
        self.env["adv.invoicing.run.line"].create(
            {
                "run_id": self.id,
                "partner_id": partner.id,
                "order_ids": [fields.Command.set(orders_by_partner[partner].ids)],
                "state": "failed",
                "reason": reason,
            }
        )
        self._adv_run_log(f"{partner.display_name}: {reason}")

    # ------------------------------------------------------------
    # BUSINESS: invoicing
    # ------------------------------------------------------------

    def _invoice_partners(self, partners, orders_by_partner, drafts_by_partner):
        """Create the drafts of `partners`, check them, post and send those that pass."""
        self.ensure_one()
        orders = self.env["sale.order"].union(*(orders_by_partner[p] for p in partners))
        invoices = self.env["account.move"].union(*(drafts_by_partner[p] for p in partners))
        grouped = orders.filtered(
            lambda o: o.partner_id.commercial_partner_id.adv_invoicing_group_orders
        )
        new_invoices = self.env["account.move"]
        for batch, one_per_order in ((grouped, False), (orders - grouped, True)):
            if batch:
                new_invoices |= batch.with_context(
                    raise_if_nothing_to_invoice=False
                )._create_invoices(grouped=one_per_order)
        if new_invoices:
            new_invoices.adv_invoicing_run_id = self
        invoices |= new_invoices
        if not invoices:
            return

        reasons = self._check_invoices(invoices)
        blocked = invoices.filtered(lambda inv: reasons.get(inv.id))
        to_post = invoices - blocked
        for invoice in blocked:
            invoice.adv_invoicing_block_reason = "\n".join(reasons[invoice.id])
        send_errors = {}
        if to_post:
            # Dated the day of the run, also for the drafts left by an earlier run.
            to_post.write({"adv_invoicing_block_reason": False, "invoice_date": self.date})
            to_post.action_post()
            send_errors = self._send_invoices_safely(to_post)

        def not_sent_reason(invoice):
            if invoice.id in send_errors:
                return _(
                    "Posted, but the e-mail could not be prepared (%(error)s): the next run "
                    "sends it again.",
                    error=send_errors[invoice.id],
                )
            return _("Posted, but the e-mail could not be prepared: see the chatter.")

        self.env["adv.invoicing.run.line"].create(
            [
                {
                    "run_id": self.id,
                    "partner_id": invoice.commercial_partner_id.id,
                    "invoice_id": invoice.id,
                    "order_ids": [fields.Command.set(invoice.line_ids.sale_line_ids.order_id.ids)],
                    "state": "draft_blocked" if invoice in blocked else "posted_sent",
                    "reason": invoice.adv_invoicing_block_reason
                    or (
                        invoice in to_post and not invoice.is_move_sent and not_sent_reason(invoice)
                    )
                    or False,
                }
                for invoice in invoices
            ]
        )

    def _send_invoices_safely(self, invoices):
        """Send the posted invoices; a failure (the PDF cannot be generated, the template
        fails) leaves them posted and not sent, for the next run to send again, instead of
        undoing the customer's invoicing (Odoo's sending raises on a PDF failure even
        with ``allow_raising=False``). A batch that fails is sent again invoice by invoice:
        one PDF engine failing on several documents at once (seen with some wkhtmltopdf
        builds) must not leave every invoice of the batch unsent.

        :return: {invoice id: error message} of the invoices not sent
        """
        errors = {}
        batches = [invoices]
        while batches:
            batch = batches.pop()
            try:
                with self.env.cr.savepoint():
                    self._send_invoices(batch)
            except Exception as error:  # the invoices stay posted, sent by the next run
                if len(batch) > 1:
                    batches += list(batch)
                    continue
                _logger.warning("Invoicing run %s: sending failed", self.id, exc_info=error)
                errors[batch.id] = str(error) or repr(error)
        return errors

    def _get_unsent_invoices(self):
        """Invoices that earlier runs of the company posted but could not e-mail (last 30
        days): the run sends them again before its own."""
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("is_move_sent", "=", False),
                ("adv_invoicing_run_id", "not in", [False, self.id]),
                ("invoice_date", ">=", fields.Date.subtract(self.date, days=30)),
            ],
            order="id",
        )

    def _send_invoices(self, invoices):
        """Odoo's own invoice sending: PDF generated, attached and e-mailed to the customer.

        The e-mails are queued for Odoo's mail queue, not sent by the run: Odoo posts each
        one with the context of its invoice (``move.with_context(...).message_post``), so
        the flag goes on the invoices, not on the sending model.
        """
        self.env["account.move.send"]._generate_and_send_invoices(
            invoices.with_context(mail_notify_force_send=False),
            allow_raising=False,
            sending_methods={"email"},
        )

    # ------------------------------------------------------------
    # BUSINESS: checks
    # ------------------------------------------------------------

    @api.model
    def _get_invoice_checks(self):
        """Names of the checks run before posting; each is a `_check_invoice_<name>` method."""
        return [
            "amount",
            "customer_ref",
            "payment_term",
            "fiscal_position",
            "invoice_address",
            "invoice_email",
        ]

    @api.model
    def _check_invoices(self, invoices):
        """Return {invoice id: [reasons]} for the invoices that must stay in draft."""
        reasons = defaultdict(list)
        for check in self._get_invoice_checks():
            for invoice_id, reason in getattr(self, f"_check_invoice_{check}")(invoices).items():
                reasons[invoice_id].append(reason)
        return reasons

    @api.model
    def _check_invoice_amount(self, invoices):
        """Untaxed total must equal what is delivered and not invoiced elsewhere on the orders."""
        reasons = {}
        for invoice in invoices:
            currency = invoice.currency_id
            product_lines = invoice.invoice_line_ids.filtered(
                lambda line: (
                    line.display_type == "product"
                    and line.sale_line_ids
                    and not any(line.sale_line_ids.mapped("is_downpayment"))
                )
            )
            if not product_lines:
                continue
            qty_here = defaultdict(float)
            for line in product_lines:
                for sale_line in line.sale_line_ids:
                    qty_here[sale_line] += line.product_uom_id._compute_quantity(
                        line.quantity, sale_line.product_uom
                    )
            expected = 0.0
            for sale_line, quantity in qty_here.items():
                # What is delivered minus what other invoices already cover.
                qty_expected = sale_line.qty_delivered - sale_line.qty_invoiced + quantity
                if sale_line.product_uom_qty:
                    unit = sale_line.price_subtotal / sale_line.product_uom_qty
                else:
                    unit = sale_line.price_reduce_taxexcl
                expected += currency.round(unit * qty_expected)
            invoiced = sum(product_lines.mapped("price_subtotal"))
            tolerance = currency.rounding * len(product_lines)
            if abs(invoiced - expected) > tolerance + currency.rounding / 2:
                reasons[invoice.id] = _(
                    "The untaxed total of the invoice (%(invoiced)s) differs from the amount "
                    "delivered and not yet invoiced on the order (%(delivered)s).",
                    invoiced=format_amount(self.env, invoiced, currency),
                    delivered=format_amount(self.env, expected, currency),
                )
        return reasons

    @api.model
    def _check_invoice_customer_ref(self, invoices):
        reasons = {}
        for invoice in invoices.filtered("commercial_partner_id.adv_invoice_ref_required"):
            orders = invoice.line_ids.sale_line_ids.order_id
            missing = orders.filtered(lambda o: not o.client_order_ref)
            if not invoice.ref or missing:
                reasons[invoice.id] = _(
                    "The customer requires its order reference on invoices and it is missing "
                    "(%(orders)s).",
                    orders=", ".join(missing.mapped("name")) or invoice.display_name,
                )
        return reasons

    @api.model
    def _invoice_order_mismatches(self, invoices, invoice_field, order_field):
        """The first order of each invoice whose ``order_field`` differs from the invoice's
        ``invoice_field``: ``{invoice: order}``."""
        mismatches = {}
        for invoice in invoices:
            orders = invoice.line_ids.sale_line_ids.order_id.filtered(
                lambda o, inv=invoice: o[order_field] != inv[invoice_field]
            )
            if orders:
                mismatches[invoice] = orders[0]
        return mismatches

    @api.model
    def _check_invoice_payment_term(self, invoices):
        mismatches = self._invoice_order_mismatches(
            invoices, "invoice_payment_term_id", "payment_term_id"
        )
        return {
            invoice.id: _(
                "The payment terms of the invoice (%(invoice_term)s) differ from those of "
                "the order %(order)s (%(order_term)s).",
                invoice_term=invoice.invoice_payment_term_id.display_name or _("none"),
                order=order.name,
                order_term=order.payment_term_id.display_name or _("none"),
            )
            for invoice, order in mismatches.items()
        }

    @api.model
    def _check_invoice_fiscal_position(self, invoices):
        mismatches = self._invoice_order_mismatches(
            invoices, "fiscal_position_id", "fiscal_position_id"
        )
        return {
            invoice.id: _(
                "The fiscal position of the invoice (%(invoice_fp)s) differs from that of "
                "the order %(order)s (%(order_fp)s).",
                invoice_fp=invoice.fiscal_position_id.display_name or _("none"),
                order=order.name,
                order_fp=order.fiscal_position_id.display_name or _("none"),
            )
            for invoice, order in mismatches.items()
        }

    @api.model
    def _check_invoice_invoice_address(self, invoices):
        reasons = {}
        for invoice in invoices:
            # the same "complete address" as the conformity rule of the orders
            missing = invoice.partner_id._adv_missing_address_fields()
            if missing:
                reasons[invoice.id] = _(
                    "The invoicing address %(partner)s is incomplete: %(missing)s missing.",
                    partner=invoice.partner_id.display_name,
                    missing=", ".join(missing),
                )
        return reasons

    @api.model
    def _check_invoice_invoice_email(self, invoices):
        reasons = {}
        for invoice in invoices.filtered(lambda inv: not inv.partner_id.email):
            reasons[invoice.id] = _(
                "The invoicing contact %(partner)s has no e-mail address: the invoice cannot be "
                "sent.",
                partner=invoice.partner_id.display_name,
            )
        return reasons
