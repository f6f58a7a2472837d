from odoo import fields, models


class AdvInvoicingRunLine(models.Model):
    _name = "adv.invoicing.run.line"
    _description = "Invoicing Run Result"
    _order = "run_id, state, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "adv.invoicing.run", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    order_ids = fields.Many2many(
        "sale.order",
        "adv_invoicing_run_line_sale_order_rel",
        "line_id",
        "order_id",
        string="Orders",
        readonly=True,
        check_company=True,
    )
    invoice_id = fields.Many2one(
        "account.move",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
    )
    amount_total = fields.Monetary(related="invoice_id.amount_total", string="Total")
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    invoice_state = fields.Selection(related="invoice_id.state", string="Invoice Status")
    state = fields.Selection(
        [
            ("posted_sent", "Posted and Sent"),
            ("draft_blocked", "Left in Draft"),
            ("failed", "Failed"),
        ],
        required=True,
        readonly=True,
    )
    reason = fields.Text(readonly=True)
