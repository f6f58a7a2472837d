from odoo import _, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_dunning_policy_id = fields.Many2one(
        related="company_id.adv_dunning_policy_id", readonly=False
    )
    adv_dunning_ecb_rate = fields.Float(related="company_id.adv_dunning_ecb_rate", readonly=False)
    adv_dunning_legal_rate = fields.Float(
        related="company_id.adv_dunning_legal_rate", readonly=False
    )
    adv_dunning_penalty_rate = fields.Float(
        related="company_id.adv_dunning_penalty_rate", readonly=False
    )
    adv_credit_hold_auto_release = fields.Boolean(
        related="company_id.adv_credit_hold_auto_release", readonly=False
    )
    adv_dunning_run_enabled = fields.Boolean(
        related="company_id.adv_dunning_run_enabled", readonly=False
    )
    adv_invoice_legal_mentions = fields.Boolean(
        related="company_id.adv_invoice_legal_mentions", readonly=False
    )
    adv_early_payment_terms = fields.Char(
        related="company_id.adv_early_payment_terms", readonly=False
    )

    def execute(self):
        """Switching the nightly reminder run on first shows what it would send.

        On a database with years of unpaid invoices, the first run may remind every
        customer at once: the manager sees that run computed (customers, levels, amounts,
        penalties) and sends it or adjusts it before the night.
        """
        res = super().execute()
        # The related field is written when the settings are saved, before this call: the
        # first switch-on is told by the company never having had a reminder run.
        company = self.filtered("adv_dunning_run_enabled").company_id.filtered(
            "adv_dunning_policy_id"
        )[:1]
        if not company or self.env["adv.dunning.run"].search_count(
            [("company_id", "=", company.id)], limit=1
        ):
            return res
        Run = self.env["adv.dunning.run"].with_company(company)
        today = fields.Date.context_today(Run)
        run = Run.create({"company_id": company.id, "date": today})
        run.action_preview()
        return {
            "type": "ir.actions.act_window",
            "name": _("First reminder run: review it"),
            "res_model": "adv.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
