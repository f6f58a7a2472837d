import logging
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.adv_orders.models import adv_invoicing_run

_logger = logging.getLogger(__name__)

# Dates used by the rhythm tests (company weekly day: Monday).
TUESDAY = date(2026, 11, 24)
MONDAY = date(2026, 11, 23)
END_OF_OCTOBER = date(2026, 10, 31)  # a Saturday
OCTOBER_30 = date(2026, 10, 30)  # a Friday, not the end of the month


@tagged("post_install", "-at_install")
class TestInvoicingRun(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # The accounting test user sets customers up: it configures their invoicing as a manager.
        cls.env.user.groups_id += cls.env.ref("adv_base.group_adv_manager")
        cls.company.write(
            {
                "adv_invoicing_rhythm_default": "delivery",
                "adv_invoicing_weekday": "0",
                "adv_invoicing_run_enabled": True,
            }
        )
        cls.clerk = new_test_user(
            cls.env,
            login="adv_inv_clerk",
            groups="adv_base.group_adv_user,sales_team.group_sale_salesman_all_leads,"
            "account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="adv_inv_manager",
            groups="adv_base.group_adv_manager,sales_team.group_sale_salesman_all_leads,"
            "account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.pay_terms_30 = cls.env.ref("account.account_payment_term_30days")
        cls.france = cls.env.ref("base.fr")
        # Invoiced on delivered quantities, as a distributor does.
        cls.product_delivered = cls.env["product.product"].create(
            {
                "name": "Palette de carton ondulé",
                "default_code": "ADV-INV-001",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": 100.0,
                "taxes_id": [Command.set(cls.company_data["default_tax_sale"].ids)],
            }
        )
        cls.product_ordered = cls.env["product.product"].create(
            {
                "name": "Rouleau de film étirable",
                "default_code": "ADV-INV-002",
                "type": "consu",
                "invoice_policy": "order",
                "list_price": 50.0,
                "taxes_id": [Command.set(cls.company_data["default_tax_sale"].ids)],
            }
        )
        cls.partner_counter = 0

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    @classmethod
    def _customer(cls, **values):
        cls.partner_counter += 1
        vals = {
            "name": f"Client Facturation {cls.partner_counter}",
            "is_company": True,
            "street": "12 rue des Docks",
            "zip": "44000",
            "city": "Nantes",
            "country_id": cls.france.id,
            "vat": "FR23334175221",
            "email": f"compta{cls.partner_counter}@client.example.com",
            "property_payment_term_id": cls.pay_terms_30.id,
            "company_id": cls.company.id,
        }
        vals.update(values)
        return cls.env["res.partner"].create(vals)

    def _order(self, partner, qty=10.0, delivered=None, product=None, ref="BC-2026-001", **values):
        """A confirmed order, delivered for `delivered` (default: all ordered)."""
        vals = {
            "partner_id": partner.id,
            "client_order_ref": ref,
            "order_line": [
                Command.create(
                    {
                        "product_id": (product or self.product_delivered).id,
                        "product_uom_qty": qty,
                        "price_unit": 100.0,
                    }
                )
            ],
        }
        vals.update(values)
        order = self.env["sale.order"].create(vals)
        order.action_confirm()
        self._deliver(order, qty if delivered is None else delivered)
        return order

    def _deliver(self, order, quantity):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self._deliver_picking(picking, quantity)

    def _deliver_picking(self, picking, quantity):
        picking.move_ids.write({"quantity": quantity, "picked": True})
        picking.with_context(
            skip_backorder=True, skip_sms=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        self.assertEqual(picking.state, "done")

    def _run(self, run_date, user=None):
        run = self.env["adv.invoicing.run"].with_user(user or self.clerk).create({"date": run_date})
        run.action_run()
        return run

    def _line(self, run, partner):
        return run.line_ids.filtered(lambda line: line.partner_id == partner)

    # ------------------------------------------------------------
    # rhythms
    # ------------------------------------------------------------

    @freeze_time(TUESDAY)
    def test_rhythm_delivery_every_day(self):
        partner = self._customer(adv_invoicing_rhythm="delivery")
        order = self._order(partner, qty=10)
        run = self._run(TUESDAY)
        self.assertEqual(run.state, "done")
        line = self._line(run, partner)
        self.assertEqual(line.state, "posted_sent", line.reason)
        invoice = line.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date, TUESDAY)
        self.assertEqual(invoice.adv_invoicing_run_id, run)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(line.order_ids, order)
        # Sent with Odoo's own sending: PDF attached to a message to the customer.
        self.assertTrue(invoice.is_move_sent)
        self.assertTrue(invoice.invoice_pdf_report_id)
        message = invoice.message_ids.filtered(lambda m: partner in m.partner_ids)
        self.assertTrue(message, "the invoice is e-mailed to the customer")
        self.assertTrue(message.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf"))

    def test_rhythm_weekly(self):
        partner = self._customer(adv_invoicing_rhythm="weekly")
        with freeze_time(TUESDAY):
            order = self._order(partner)
            run = self._run(TUESDAY)
            self.assertFalse(run.line_ids, "a weekly customer is not invoiced on a Tuesday")
            self.assertEqual(order.invoice_status, "to invoice")
        with freeze_time(date(2026, 11, 30)):
            run = self._run(date(2026, 11, 30))  # Monday, the company's weekly day
            self.assertEqual(self._line(run, partner).state, "posted_sent")
            self.assertEqual(order.invoice_status, "invoiced")

    def test_rhythm_weekly_company_weekday(self):
        self.company.adv_invoicing_weekday = "1"  # Tuesday
        partner = self._customer(adv_invoicing_rhythm="weekly")
        with freeze_time(MONDAY):
            order = self._order(partner)
            self.assertFalse(self._run(MONDAY).line_ids)
        with freeze_time(TUESDAY):
            self.assertEqual(self._line(self._run(TUESDAY), partner).order_ids, order)

    def test_rhythm_monthly_and_company_default(self):
        monthly = self._customer(adv_invoicing_rhythm="monthly")
        self.company.adv_invoicing_rhythm_default = "monthly"
        by_default = self._customer()  # no rhythm of its own: the company's
        at_delivery = self._customer(adv_invoicing_rhythm="delivery")
        with freeze_time(OCTOBER_30):
            self._order(monthly)
            self._order(by_default)
            self._order(at_delivery)
            run = self._run(OCTOBER_30)
            self.assertEqual(run.line_ids.partner_id, at_delivery)
        with freeze_time(END_OF_OCTOBER):
            run = self._run(END_OF_OCTOBER)
            self.assertEqual(run.line_ids.partner_id, monthly | by_default)
            self.assertEqual(set(run.line_ids.mapped("state")), {"posted_sent"})

    # ------------------------------------------------------------
    # grouping, quantities
    # ------------------------------------------------------------

    @freeze_time(TUESDAY)
    def test_grouping(self):
        grouping = self._customer(adv_invoicing_group_orders=True)
        separate = self._customer()
        grouped_orders = self._order(grouping, ref="BC-1") | self._order(grouping, ref="BC-2")
        separate_orders = self._order(separate, ref="BC-3") | self._order(separate, ref="BC-4")
        run = self._run(TUESDAY)
        grouped_line = self._line(run, grouping)
        self.assertEqual(len(grouped_line), 1, "one invoice for all the customer's orders")
        self.assertEqual(grouped_line.order_ids, grouped_orders)
        self.assertEqual(grouped_line.invoice_id.amount_untaxed, 2000.0)
        separate_lines = self._line(run, separate)
        self.assertEqual(len(separate_lines), 2, "one invoice per order")
        self.assertEqual(separate_lines.order_ids, separate_orders)
        self.assertEqual(run.invoice_count, 3)
        self.assertEqual(run.sent_count, 3)

    @freeze_time(TUESDAY)
    def test_partial_delivery_invoiced_for_delivered(self):
        partner = self._customer()
        order = self._order(partner, qty=10, delivered=6)
        line = self._line(self._run(TUESDAY), partner)
        self.assertEqual(line.state, "posted_sent", line.reason)
        self.assertEqual(line.invoice_id.invoice_line_ids.quantity, 6)
        self.assertEqual(line.invoice_id.amount_untaxed, 600.0)
        self.assertEqual(order.order_line.qty_invoiced, 6)

    def test_returned_goods_left_to_adv(self):
        """Goods returned after invoicing need a credit note: the run does not touch them."""
        partner = self._customer()
        with freeze_time(MONDAY):
            order = self._order(partner, qty=10)
            self._run(MONDAY)
        picking = order.picking_ids
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.write({"quantity": 2, "to_refund": True})
        return_picking = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        self._deliver_picking(return_picking, 2)
        self.assertEqual(order.order_line.qty_to_invoice, -2)
        self.assertEqual(order.invoice_status, "to invoice")
        with freeze_time(TUESDAY):
            run = self._run(TUESDAY)
        self.assertFalse(run.line_ids)
        self.assertEqual(len(order.invoice_ids), 1)

    # ------------------------------------------------------------
    # checks
    # ------------------------------------------------------------

    @freeze_time(TUESDAY)
    def test_check_amount(self):
        partner = self._customer()
        # Invoiced on ordered quantities while only 6 of 10 left the warehouse.
        self._order(partner, qty=10, delivered=6, product=self.product_ordered)
        line = self._line(self._run(TUESDAY), partner)
        self.assertEqual(line.state, "draft_blocked")
        self.assertEqual(line.invoice_id.state, "draft")
        self.assertIn("differs from the amount delivered", line.reason)
        self.assertEqual(line.invoice_id.adv_invoicing_block_reason, line.reason)
        self.assertFalse(line.invoice_id.is_move_sent)

    @freeze_time(TUESDAY)
    def test_check_customer_ref(self):
        partner = self._customer(adv_invoice_ref_required=True)
        with_ref = self._customer(adv_invoice_ref_required=True)
        order = self._order(partner, ref=False)
        self._order(with_ref, ref="BC-77")
        run = self._run(TUESDAY)
        line = self._line(run, partner)
        self.assertEqual(line.state, "draft_blocked")
        self.assertIn("order reference", line.reason)
        self.assertIn(order.name, line.reason)
        self.assertEqual(self._line(run, with_ref).state, "posted_sent")

    @freeze_time(TUESDAY)
    def test_check_payment_term(self):
        partner = self._customer(adv_invoicing_group_orders=True)
        self._order(partner, ref="BC-1")
        other = self._order(
            partner,
            ref="BC-2",
            payment_term_id=self.env.ref("account.account_payment_term_45days").id,
        )
        line = self._line(self._run(TUESDAY), partner)
        self.assertEqual(line.state, "draft_blocked")
        self.assertIn("payment terms", line.reason)
        self.assertIn(other.name, line.reason)

    def test_check_fiscal_position_and_recheck(self):
        """A draft left by a run is checked again by the next one, with its changes."""
        partner = self._customer(email=False)
        with freeze_time(MONDAY):
            self._order(partner)
            line = self._line(self._run(MONDAY), partner)
            self.assertEqual(line.state, "draft_blocked")
            self.assertIn("no e-mail address", line.reason)
        invoice = line.invoice_id
        partner.email = "factures@client.example.com"
        invoice.fiscal_position_id = self.env["account.fiscal.position"].create(
            {"name": "Export hors UE", "company_id": self.company.id}
        )
        with freeze_time(TUESDAY):
            line = self._line(self._run(TUESDAY), partner)
            self.assertEqual(line.invoice_id, invoice, "the same draft, not a new invoice")
            self.assertEqual(line.state, "draft_blocked")
            self.assertIn("fiscal position", line.reason)
            self.assertNotIn("e-mail", line.reason)
        invoice.fiscal_position_id = line.order_ids.fiscal_position_id
        with freeze_time(date(2026, 11, 25)):
            line = self._line(self._run(date(2026, 11, 25)), partner)
            self.assertEqual(line.state, "posted_sent", line.reason)
            self.assertEqual(invoice.state, "posted")
            self.assertFalse(invoice.adv_invoicing_block_reason)

    @freeze_time(TUESDAY)
    def test_check_invoice_address(self):
        partner = self._customer(city=False, zip=False)
        line = self._line(self._run_with_order(partner), partner)
        self.assertEqual(line.state, "draft_blocked")
        self.assertIn("incomplete", line.reason)
        self.assertIn("city", line.reason)
        self.assertIn("zip", line.reason)

    @freeze_time(TUESDAY)
    def test_check_invoice_email(self):
        partner = self._customer(email=False)
        line = self._line(self._run_with_order(partner), partner)
        self.assertEqual(line.state, "draft_blocked")
        self.assertIn("no e-mail address", line.reason)
        self.assertEqual(line.invoice_id.state, "draft")

    def _run_with_order(self, partner):
        self._order(partner)
        return self._run(TUESDAY)

    # ------------------------------------------------------------
    # idempotence, robustness
    # ------------------------------------------------------------

    @freeze_time(TUESDAY)
    def test_second_run_same_day_creates_nothing(self):
        partner = self._customer()
        order = self._order(partner)
        first = self._run(TUESDAY)
        self.assertEqual(first.invoice_count, 1)
        # Another delivery the same day does not make a second run invoice anything.
        self._order(partner, ref="BC-LATE")
        second = self._run(TUESDAY)
        self.assertEqual(second.state, "done")
        self.assertFalse(second.line_ids)
        self.assertIn("already done", second.log)
        self.assertEqual(len(order.invoice_ids), 1)
        with self.assertRaises(UserError):
            first.action_run()

    @freeze_time(TUESDAY)
    def test_interrupted_run_drafts_not_duplicated(self):
        partner = self._customer()
        order = self._order(partner)
        # A run killed after creating its drafts: the draft is linked to its run, not posted.
        killed = self.env["adv.invoicing.run"].create({"date": MONDAY, "state": "running"})
        draft = order._create_invoices()
        draft.adv_invoicing_run_id = killed
        run = self._run(TUESDAY)
        self.assertEqual(self._line(run, partner).invoice_id, draft)
        self.assertEqual(draft.state, "posted")
        self.assertEqual(order.invoice_ids, draft)

    @freeze_time(TUESDAY)
    def test_failing_customer_logged_and_skipped(self):
        good = self._customer()
        bad = self._customer()
        self._order(good)
        bad_order = self._order(bad)
        SaleOrder = type(self.env["sale.order"])
        original = SaleOrder._create_invoices

        def create_invoices(orders, *args, **kwargs):
            if bad in orders.partner_id:
                raise RuntimeError("Compte client bloqué")
            return original(orders, *args, **kwargs)

        with patch.object(SaleOrder, "_create_invoices", create_invoices):
            run = self._run(TUESDAY)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._line(run, good).state, "posted_sent")
        bad_line = self._line(run, bad)
        self.assertEqual(bad_line.state, "failed")
        self.assertEqual(bad_line.order_ids, bad_order)
        self.assertIn("Compte client bloqué", bad_line.reason)
        self.assertIn("Compte client bloqué", run.log)
        self.assertEqual(bad_order.invoice_status, "to invoice")
        self.assertEqual(run.failed_count, 1)

    @freeze_time(TUESDAY)
    def test_runs_cannot_overlap(self):
        """While another connection holds the company's run lock, a run refuses to start."""
        partner = self._customer()
        order = self._order(partner)
        key = adv_invoicing_run.ADVISORY_LOCK_KEY
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (key, self.company.id))
            run = self.env["adv.invoicing.run"].create({"date": TUESDAY})
            with self.assertRaisesRegex(UserError, "Another run of"):
                run.action_run()
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()
        run.action_run()
        self.assertEqual(order.invoice_status, "invoiced")

    def test_pdf_failure_leaves_the_invoice_posted_for_the_next_run(self):
        """Odoo's sending raises when the PDF cannot be made: the invoice stays posted (the
        customer's invoicing is not undone) and the next run e-mails it."""
        partner = self._customer()
        Run = type(self.env["adv.invoicing.run"])
        with freeze_time(MONDAY):
            self._order(partner)
            with (
                patch.object(
                    Run, "_send_invoices", side_effect=RuntimeError("wkhtmltopdf: exit 1")
                ),
                self.assertLogs("odoo.addons.adv_orders.models.adv_invoicing_run", "WARNING"),
            ):
                monday = self._run(MONDAY)
        line = self._line(monday, partner)
        invoice = line.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.is_move_sent)
        self.assertIn("the next run sends it again", line.reason)
        with freeze_time(TUESDAY):
            tuesday = self._run(TUESDAY)
        self.assertTrue(invoice.is_move_sent)
        self.assertIn("sent again", tuesday.log)

    @freeze_time(TUESDAY)
    def test_pdf_engine_failing_on_several_documents_sends_one_by_one(self):
        """Some wkhtmltopdf builds fail on several documents at once: the invoices of the
        batch are then e-mailed one by one, not left unsent."""
        partner = self._customer()
        orders = self._order(partner) | self._order(partner, ref="BC-2")
        Run = type(self.env["adv.invoicing.run"])
        send = Run._send_invoices

        def send_one_at_a_time(run, invoices):
            if len(invoices) > 1:
                raise RuntimeError("Cannot read an empty file")
            return send(run, invoices)

        with patch.object(Run, "_send_invoices", send_one_at_a_time):
            run = self._run(TUESDAY)
        self.assertEqual(len(run.invoice_ids), 2)
        self.assertTrue(all(run.invoice_ids.mapped("is_move_sent")))
        self.assertEqual(set(run.line_ids.mapped("state")), {"posted_sent"})
        self.assertFalse(any(run.line_ids.mapped("reason")))
        self.assertEqual(orders.mapped("invoice_status"), ["invoiced", "invoiced"])

    @freeze_time(TUESDAY)
    def test_invoice_emails_queued_not_sent_by_the_run(self):
        """The run leaves its e-mails to Odoo's mail queue (sending them one by one inside
        the batch would hold the batch's transaction and lock on the mail server)."""
        partner = self._customer()
        self._order(partner)
        invoice = self._line(self._run(TUESDAY), partner).invoice_id
        self.assertEqual(invoice.state, "posted")
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        )
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})

    def test_invoice_emails_sent_again_after_a_mail_outage(self):
        """The e-mails of the invoices the run posted are retried after a mail outage; those
        of other invoices (sent before the suite was installed, say) are left as they are."""
        partner = self._customer()
        self._order(partner)
        run_invoice = self._line(self._run(TUESDAY), partner).invoice_id
        other_invoice = self._order(self._customer())._create_invoices()
        Mail = self.env["mail.mail"].sudo()
        ours, not_ours = (
            Mail.create(
                {
                    "model": "account.move",
                    "res_id": invoice.id,
                    "subject": "Facture",
                    "body_html": "<p>Facture</p>",
                    "email_to": "compta@example.com",
                    "state": "exception",
                    # as mail.mail.send() leaves the mails it could not connect for
                    "failure_reason": "[Errno 111] Connection refused",
                    "auto_delete": False,
                }
            )
            for invoice in (run_invoice, other_invoice)
        )
        self.assertEqual(Mail._adv_requeue_unreachable_server(), ours)
        self.assertEqual((ours.state, not_ours.state), ("outgoing", "exception"))

    def test_cron_creates_today_run(self):
        partner = self._customer()
        with freeze_time(TUESDAY):
            order = self._order(partner)
            # Safe by default: nothing until a manager switches the nightly run on.
            self.company.adv_invoicing_run_enabled = False
            self.env["adv.invoicing.run"]._cron_run_invoicing()
            self.assertFalse(
                self.env["adv.invoicing.run"].search([("company_id", "=", self.company.id)])
            )
            self.assertEqual(order.invoice_status, "to invoice")
            self.company.adv_invoicing_run_enabled = True
            self.env["adv.invoicing.run"]._cron_run_invoicing()
        run = self.env["adv.invoicing.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(run.date, TUESDAY)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._line(run, partner).state, "posted_sent")

    @freeze_time(TUESDAY)
    def test_cron_failure_recorded_on_the_run(self):
        """From the cron, a run that breaks down is marked failed with the error in its log,
        and today's run is not started again."""
        Run = type(self.env["adv.invoicing.run"])
        self._order(self._customer())
        with (
            patch.object(Run, "_get_partners_to_invoice", side_effect=RuntimeError("Disque plein")),
            self.assertLogs("odoo.addons.adv_base.models.adv_run_mixin", "ERROR"),
        ):
            self.env["adv.invoicing.run"]._cron_run_invoicing()
        run = self.env["adv.invoicing.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(run.state, "failed")
        self.assertIn("Disque plein", run.log)
        self.env["adv.invoicing.run"]._cron_run_invoicing()
        self.assertEqual(
            self.env["adv.invoicing.run"].search([("company_id", "=", self.company.id)]), run
        )

    @freeze_time(TUESDAY)
    def test_cron_job_invoices_one_batch_per_call(self):
        """In a cron job, each call invoices one batch of customers (one transaction: Odoo's
        cron runner commits between calls) and reports how many are left."""
        customers = [self._customer() for _i in range(3)]
        for customer in customers:
            self._order(customer)
        # Only this company's run, not the demo company's.
        self.env["res.company"].search([]).adv_invoicing_run_enabled = False
        self.company.adv_invoicing_run_enabled = True
        cron, progress = self.env.ref("adv_orders.ir_cron_adv_invoicing_run").sudo()._add_progress()
        Run = self.env["adv.invoicing.run"].sudo().with_context(**cron.env.context)
        with patch.object(type(Run), "_adv_batch_size", 2):
            self.assertEqual(Run._cron_run_invoicing(), 1)
            run = Run.search([("company_id", "=", self.company.id)])
            self.assertEqual(run.state, "running")
            self.assertEqual(len(run.line_ids), 2)
            self.assertEqual((progress.done, progress.remaining), (1, 1))
            # Killed here, the server would call the job again: the run goes on from there.
            self.assertEqual(Run._cron_run_invoicing(), 0)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.line_ids.partner_id.ids, sorted(c.id for c in customers))
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(Run._cron_run_invoicing(), 0)
        self.assertEqual(Run.search([("company_id", "=", self.company.id)]), run)

    @freeze_time(TUESDAY)
    def test_dead_run_of_an_earlier_day_is_closed(self):
        self.company.adv_invoicing_run_enabled = True
        order = self._order(self._customer())
        dead = self.env["adv.invoicing.run"].create({"date": MONDAY})
        dead.write({"state": "running"})
        self.env["adv.invoicing.run"]._cron_run_invoicing()
        self.assertEqual(dead.state, "failed")
        self.assertIn("Interrupted", dead.log)
        self.assertEqual(order.invoice_status, "invoiced")

    @freeze_time(TUESDAY)
    def test_cron_leaves_a_locked_run_for_later(self):
        """From the cron, a run that finds another one working waits for the next call."""
        order = self._order(self._customer())
        key = adv_invoicing_run.ADVISORY_LOCK_KEY
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (key, self.company.id))
            self.env["adv.invoicing.run"]._cron_run_invoicing()
        finally:
            # The pooled connection would keep a session lock: release it explicitly.
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()
        # The other process finds or creates today's run: this call creates none (two
        # processes starting the night together would otherwise create one each).
        runs = self.env["adv.invoicing.run"].search([("company_id", "=", self.company.id)])
        self.assertFalse(runs)
        self.assertEqual(order.invoice_status, "to invoice")
        self.env["adv.invoicing.run"]._cron_run_invoicing()
        run = self.env["adv.invoicing.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(run.state, "done")
        self.assertEqual(order.invoice_status, "invoiced")

    # ------------------------------------------------------------
    # rights
    # ------------------------------------------------------------

    @freeze_time(TUESDAY)
    def test_rights(self):
        partner = self._customer()
        self._order(partner)
        # An ADV user creates a run from the menu and clicks Run.
        with Form(self.env["adv.invoicing.run"].with_user(self.clerk)) as form:
            self.assertEqual(form.date, TUESDAY)
        run = form.record
        run.action_run()
        self.assertEqual(run.name, "Invoicing run of 11/24/2026")
        with self.assertRaises(UserError):
            run.with_user(self.clerk).date = MONDAY
        self.assertEqual(run.sent_count, 1)
        with self.assertRaises(AccessError):
            run.with_user(self.clerk).unlink()
        # Only a manager changes the rhythm: the clerk sees it read-only and the server refuses.
        with Form(partner.with_user(self.clerk)) as form:
            with self.assertRaises(AssertionError):
                form.adv_invoicing_rhythm = "monthly"
        with self.assertRaises(AccessError):
            partner.with_user(self.clerk).adv_invoicing_rhythm = "monthly"
        with self.assertRaises(AccessError):
            partner.with_user(self.clerk).adv_invoicing_group_orders = True
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.clerk).create(
                {"name": "Nouveau client", "adv_invoicing_rhythm": "weekly"}
            )
        # Writing other fields, or the same value, stays allowed to the clerk.
        partner.with_user(self.clerk).write({"phone": "+33 2 40 00 00 00"})
        with Form(partner.with_user(self.manager)) as form:
            form.adv_invoicing_rhythm = "monthly"
            form.adv_invoicing_group_orders = True
        self.assertEqual(partner.adv_invoicing_rhythm, "monthly")
        self.assertTrue(partner.adv_invoicing_group_orders)
        run.with_user(self.manager).unlink()

    # ------------------------------------------------------------
    # performance
    # ------------------------------------------------------------

    def _count_run_queries(self, run_date, partners):
        with freeze_time(run_date):
            for partner in partners:
                self._order(partner)
            run = self.env["adv.invoicing.run"].create({"date": run_date})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            run.action_run()
            self.env.flush_all()
            count = self.env.cr.sql_log_count - before
        self.assertEqual(run.sent_count, len(partners))
        return count

    def test_query_count_per_order_flat(self):
        customers = self.env["res.partner"].union(*(self._customer() for _i in range(13)))
        # Warm the caches (templates, reports, sequences) so the comparison is fair.
        self._count_run_queries(date(2026, 11, 16), customers[:1])
        small = self._count_run_queries(date(2026, 11, 17), customers[1:3])
        large = self._count_run_queries(date(2026, 11, 18), customers[3:13])
        _logger.info("Invoicing run queries: %s for 2 orders, %s for 10 orders", small, large)
        # Per invoiced order, a run of 10 orders must not cost more than a run of 2.
        self.assertLessEqual(
            large / 10,
            small / 2,
            f"queries: {small} for 2 orders, {large} for 10 orders",
        )

    @freeze_time(TUESDAY)
    def test_checks_batched(self):
        """The checks read all the drafts at once: same queries for 2 and for 10 drafts."""
        customers = self.env["res.partner"].union(*(self._customer() for _i in range(12)))
        orders = self.env["sale.order"].union(*(self._order(partner) for partner in customers))
        drafts = orders._create_invoices(grouped=True)
        Run = self.env["adv.invoicing.run"]
        counts = []
        for batch in (drafts[:2], drafts[2:]):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            reasons = Run._check_invoices(batch)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertFalse(reasons)
        _logger.info("Invoicing checks queries: %s for 2 drafts, %s for 10 drafts", *counts)
        self.assertEqual(counts[0], counts[1])
