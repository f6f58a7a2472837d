from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.adv_base.tools import decided, ensure_decided

# Decided by the reminders or by an ADV manager's action, never written directly.
DECISION_FIELDS = {"adv_credit_hold"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_dunning_policy_id = fields.Many2one(
        "adv.dunning.policy",
        string="Reminder policy",
        company_dependent=True,
        help="Leave empty to apply the company's default reminder policy.",
    )
    adv_dunning_excluded = fields.Boolean(
        string="Excluded from reminders",
        tracking=True,
        help="The customer never receives a reminder.",
    )
    adv_credit_hold = fields.Boolean(
        string="On credit hold",
        company_dependent=True,
        readonly=True,
        tracking=True,
        help="Set by the reminders (or by an ADV manager): new orders of the customer cannot "
        "be confirmed while it is on hold.",
    )
    adv_dunning_communication_ids = fields.One2many(
        "adv.dunning.communication",
        "partner_id",
        string="Reminders",
        groups="adv_base.group_adv_user",
    )
    adv_dunning_promise_ids = fields.One2many(
        "adv.dunning.promise",
        "partner_id",
        string="Promises to pay",
        groups="adv_base.group_adv_user",
    )
    adv_dunning_communication_count = fields.Integer(
        string="Reminder count",
        compute="_compute_adv_dunning_communication_count",
        groups="adv_base.group_adv_user",
    )

    @api.depends("adv_dunning_communication_ids")
    def _compute_adv_dunning_communication_count(self):
        counts = dict(
            self.env["adv.dunning.communication"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.adv_dunning_communication_count = counts.get(partner._origin, 0)

    @api.model_create_multi
    def create(self, vals_list):
        ensure_decided(self, DECISION_FIELDS, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        ensure_decided(self, DECISION_FIELDS, [vals])
        return super().write(vals)

    def action_adv_dunning_release_hold(self):
        """Lift the credit hold of the customers (current company): ADV managers only."""
        self._adv_dunning_ensure_manager()
        self._adv_dunning_set_hold(
            False, _("Credit hold released by %(user)s", user=self.env.user.name)
        )
        return True

    def action_adv_dunning_put_on_hold(self):
        """Put the customers on credit hold (current company): ADV managers only."""
        self._adv_dunning_ensure_manager()
        self._adv_dunning_set_hold(
            True, _("Put on credit hold by %(user)s", user=self.env.user.name)
        )
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _adv_is_business(self):
        """Whether the customer is a professional, to whom the late-payment penalties of
        the Code de commerce apply.

        Art. L441-10 II (penalties at the company's rate) and D441-5 (the 40 EUR fixed
        recovery indemnity, "à l'égard du créancier professionnel") govern payment terms
        between professionals only. A consumer owes, at most, the legal interest of the
        Code civil (art. 1231-6) from a formal notice: we charge consumers nothing.

        Rule: the commercial partner is a company, or has a VAT number or a company
        registry number (a sole trader recorded as a person). Anyone else is a consumer.
        Override hook: extend it for another criterion (a partner category, say).
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        return bool(partner.is_company or partner.vat or partner.company_registry)

    def _adv_dunning_ensure_manager(self):
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            raise AccessError(
                _("Only an ADV manager can put a customer on credit hold or release it.")
            )

    def _adv_dunning_set_hold(self, hold, note=None):
        """Set or lift the credit hold (a decision of the reminders or of a manager)."""
        partners = self.filtered(lambda p: p.adv_credit_hold != hold)
        if not partners:
            return
        decided(partners).write({"adv_credit_hold": hold})
        if note:
            for partner in partners:
                partner.message_post(body=note, subtype_xmlid="mail.mt_note")

    def _adv_dunning_release_paid_holds(self):
        """Lift the hold of the customers (environment's company) who no longer owe any
        overdue amount, where the company lifts holds on payment."""
        company = self.env.company
        if not company.adv_credit_hold_auto_release:
            return
        held = self.commercial_partner_id.filtered(
            lambda p: p.with_company(company).adv_credit_hold
        )
        if not held:
            return
        # sudo: the release follows from the payment a user records; the overdue balance is
        # accounting data read for that decision only.
        still_overdue = {
            partner.id
            for [partner] in self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", held.ids),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", fields.Date.context_today(self)),
                ],
                ["partner_id"],
            )
        }
        released = held.filtered(lambda p: p.id not in still_overdue)
        released.with_company(company)._adv_dunning_set_hold(
            False, _("Credit hold lifted: the overdue invoices are paid.")
        )

    def action_adv_dunning_open_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_dunning.action_adv_dunning_communication"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
