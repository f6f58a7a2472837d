from odoo import _, api, fields, models
from odoo.tools import SQL


class AdvDunningPromise(models.Model):
    _name = "adv.dunning.promise"
    _description = "Promise to pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=[("is_company", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="Promised payment date",
        required=True,
        tracking=True,
        help="Reminders to the customer pause until this date.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Promised amount", required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Clerk",
        default=lambda self: self.env.user,
        required=True,
        help="Warned if the promise is broken.",
    )
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancel", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    note = fields.Text()
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        readonly=True,
        check_company=True,
        help="Invoices open when the promise was made: the promise is kept when what "
        "remains due on them has gone down by the promised amount.",
    )
    residual_at_promise = fields.Monetary(string="Amount due when promised", readonly=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The promised amount must be positive."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        promises._snapshot_invoices()
        return promises

    def _snapshot_invoices(self):
        """Remember the customer's open invoices and what remains due on them."""
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.partner_id.commercial_partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        grouped = moves.grouped(lambda m: (m.commercial_partner_id, m.company_id))
        for promise in self:
            open_moves = grouped.get(
                (promise.partner_id.commercial_partner_id, promise.company_id),
                self.env["account.move"],
            )
            promise.write(
                {
                    "move_ids": [fields.Command.set(open_moves.ids)],
                    "residual_at_promise": sum(open_moves.mapped("amount_residual_signed")),
                }
            )

    def action_cancel(self):
        self.filtered(lambda p: p.state == "open").state = "cancel"
        return True

    @api.model
    def _check_due_promises(self, company, date):
        """Close the open promises of ``company`` whose date is past: kept when the
        customer paid the promised amount, broken otherwise (the clerk gets an
        activity). One query for all of them.

        :return: customers (res.partner) whose promise is broken: their reminders
            resume at the next level
        """
        promises = self.search(
            [("company_id", "=", company.id), ("state", "=", "open"), ("date", "<", date)]
        )
        if not promises:
            return self.env["res.partner"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT rel.adv_dunning_promise_id, COALESCE(SUM(m.amount_residual_signed), 0)
                     FROM account_move_adv_dunning_promise_rel rel
                     JOIN account_move m ON m.id = rel.account_move_id
                    WHERE rel.adv_dunning_promise_id = ANY(%s)
                 GROUP BY rel.adv_dunning_promise_id""",
                promises.ids,
            )
        )
        residual_now = dict(self.env.cr.fetchall())
        kept = promises.filtered(
            lambda p: (
                p.currency_id.compare_amounts(
                    p.residual_at_promise - residual_now.get(p.id, 0.0), p.amount
                )
                >= 0
            )
        )
        broken = promises - kept
        kept.state = "kept"
        broken.state = "broken"
        if broken:
            activity_type = self.env.ref("mail.mail_activity_data_todo")
            model_id = self.env["ir.model"]._get_id("res.partner")
            self.env["mail.activity"].create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": promise.partner_id.id,
                        "activity_type_id": activity_type.id,
                        "summary": _("Promise to pay broken"),
                        "note": _(
                            "%(partner)s promised to pay %(amount)s by %(date)s and did not: "
                            "reminders resume at the next level.",
                            partner=promise.partner_id.display_name,
                            amount=promise.amount,
                            date=promise.date,
                        ),
                        "user_id": promise.user_id.id,
                        "date_deadline": date,
                    }
                    for promise in broken
                ]
            )
        return broken.partner_id.commercial_partner_id
