from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import penalty


class ResCompany(models.Model):
    _inherit = "res.company"

    adv_dunning_policy_id = fields.Many2one(
        "adv.dunning.policy",
        string="Default reminder policy",
        check_company=True,
        ondelete="set null",
        help="Applied to the customers that have no reminder policy of their own.",
    )
    adv_dunning_ecb_rate = fields.Float(
        string="ECB refinancing rate (%)",
        digits=(5, 3),
        default=2.15,
        help="Main refinancing operations rate of the European Central Bank, in percent.",
    )
    adv_dunning_legal_rate = fields.Float(
        string="Legal interest rate (%)",
        digits=(5, 3),
        default=3.16,
        help="French legal interest rate of the current half-year (other cases), in percent.",
    )
    adv_dunning_penalty_rate = fields.Float(
        string="Late-payment interest rate (%)",
        digits=(5, 3),
        default=12.15,
        help="Annual rate of the late-payment interest (L441-10): by default the ECB "
        "refinancing rate plus 10 points; it may not be lower than three times the legal "
        "interest rate.",
    )

    # Safe by default: installing the suite on a database with years of unpaid history sends
    # nothing until a manager switches the nightly run on (after a preview, see
    # res.config.settings.execute); runs started by hand work whatever the switch.
    adv_dunning_run_enabled = fields.Boolean(
        string="Nightly reminder run",
        help="The scheduled action computes and sends the reminders of this company every "
        "night. Off: only the runs started by hand send reminders.",
    )
    adv_credit_hold_auto_release = fields.Boolean(
        string="Lift credit holds on payment",
        default=True,
        help="A customer's credit hold is lifted as soon as its overdue invoices are paid. "
        "Otherwise an ADV manager lifts it by hand.",
    )

    # Code de commerce art. L441-9 I: an invoice between professionals states the payment
    # date, the early-payment discount conditions, the late-payment interest rate and the
    # 40 EUR fixed recovery indemnity. Off until a manager switches it on: installing the
    # suite changes no invoice by itself.
    adv_invoice_legal_mentions = fields.Boolean(
        string="Payment mentions on invoices (L441-9)",
        help="Customer invoices to business customers state the late-payment interest rate, "
        "the 40 EUR fixed recovery indemnity and the early-payment discount conditions "
        "(Code de commerce art. L441-9).",
    )
    adv_early_payment_terms = fields.Char(
        string="Early-payment discount",
        help="Discount granted for a payment before the due date, as stated on invoices. "
        "Empty: no discount for early payment.",
    )

    @api.constrains("adv_dunning_penalty_rate", "adv_dunning_legal_rate")
    def _check_adv_dunning_penalty_rate(self):
        for company in self:
            if not penalty.is_rate_lawful(
                company.adv_dunning_penalty_rate, company.adv_dunning_legal_rate
            ):
                raise ValidationError(
                    _(
                        "The late-payment interest rate of %(company)s (%(rate)s %%) may not "
                        "be lower than three times the legal interest rate (%(floor)s %%).",
                        company=company.name,
                        rate=company.adv_dunning_penalty_rate,
                        floor=round(company.adv_dunning_legal_rate * 3, 3),
                    )
                )

    def action_adv_dunning_reset_penalty_rate(self):
        """Set the penalty rate back to the ECB rate plus 10 points."""
        for company in self:
            company.adv_dunning_penalty_rate = company.adv_dunning_ecb_rate + 10.0

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _adv_legal_identity(self):
        """The company's identity as its reminder letters print it (Code de commerce art.
        R123-237: registration number, registered office; and the VAT number), in the
        language of the environment.

        SIREN: the *Company ID* (``company_registry``) when it is one (9 digits), or the
        first 9 digits of a SIRET (typed in the Company ID, or in the SIRET field that
        ``l10n_fr`` adds); a Company ID of another form ("RCS Nantes 123 456 789") is
        printed as typed.

        :return: list of printable mentions (strings), empty ones left out
        """
        self.ensure_one()
        registry = (self.company_registry or "").strip()
        registry_digits = registry.replace(" ", "")
        # l10n_fr's field, read only when that module is installed (no dependency on it)
        siret = (self["siret"] or "").replace(" ", "") if "siret" in self._fields else ""
        if not siret and registry_digits.isdigit() and len(registry_digits) == 14:
            siret = registry_digits
        mentions = []
        if registry_digits.isdigit() and len(registry_digits) == 9:
            mentions.append(_("SIREN %(number)s", number=registry))
        elif siret.isdigit() and len(siret) == 14:
            siren = siret[:9]
            mentions.append(_("SIREN %(number)s", number=f"{siren[:3]} {siren[3:6]} {siren[6:]}"))
        if (
            registry
            and registry_digits != siret
            and not (registry_digits.isdigit() and len(registry_digits) == 9)
        ):
            mentions.append(registry)
        if siret:
            mentions.append(_("SIRET %(number)s", number=siret))
        address = ", ".join(
            line.strip()
            for line in self.partner_id._display_address(without_company=True).splitlines()
            if line.strip()
        )
        if address:
            mentions.append(address)
        if self.vat:
            mentions.append(_("VAT number %(vat)s", vat=self.vat))
        return mentions
