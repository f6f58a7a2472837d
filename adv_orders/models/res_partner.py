from odoo import _, api, fields, models
from odoo.exceptions import AccessError

INVOICING_RHYTHMS = [
    ("delivery", "At delivery"),
    ("weekly", "Weekly"),
    ("monthly", "Monthly (end of month)"),
]

# Fields that decide when and how a customer is invoiced: only an ADV manager changes them.
INVOICING_FIELDS = (
    "adv_invoicing_rhythm",
    "adv_invoicing_group_orders",
    "adv_invoice_ref_required",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_invoicing_rhythm = fields.Selection(
        INVOICING_RHYTHMS,
        string="Invoicing Rhythm",
        help="When the invoicing run invoices this customer's delivered orders. "
        "Empty: the company's default rhythm.",
    )
    adv_invoicing_group_orders = fields.Boolean(
        string="One Invoice for All Orders",
        help="The invoicing run groups all of this customer's delivered orders into one invoice.",
    )
    adv_invoice_ref_required = fields.Boolean(
        string="Customer Reference Required",
        help="The customer rejects invoices without its own order reference: the invoicing "
        "run leaves such invoices in draft.",
    )
    adv_can_edit_invoicing = fields.Boolean(
        string="Can Edit Invoicing Options",
        compute="_compute_adv_can_edit_invoicing",
        help="Technical: the current user may change the invoicing rhythm.",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_adv_can_edit_invoicing(self):
        can_edit = self._adv_user_can_edit_invoicing()
        for partner in self:
            partner.adv_can_edit_invoicing = can_edit

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(fname) for vals in vals_list for fname in INVOICING_FIELDS):
            self._adv_check_invoicing_rights()
        return super().create(vals_list)

    def write(self, vals):
        changed = [fname for fname in INVOICING_FIELDS if fname in vals]
        if changed and any(
            partner[fname]
            != self._fields[fname].convert_to_record(
                self._fields[fname].convert_to_cache(vals[fname], partner), partner
            )
            for partner in self
            for fname in changed
        ):
            self._adv_check_invoicing_rights()
        return super().write(vals)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _adv_user_can_edit_invoicing(self):
        return self.env.su or self.env.user.has_group("adv_base.group_adv_manager")

    @api.model
    def _adv_check_invoicing_rights(self):
        if not self._adv_user_can_edit_invoicing():
            raise AccessError(
                _("Only an ADV manager can change a customer's invoicing rhythm and options.")
            )

    def _adv_missing_address_fields(self):
        """The parts of a postal address this partner lacks (street, zip, city, country),
        as labels in the user's language: one definition of "a complete address" for the
        conformity rule (orders) and the invoicing run's check (invoices)."""
        self.ensure_one()
        labels = {
            "street": _("street"),
            "zip": _("zip"),
            "city": _("city"),
            "country_id": _("country"),
        }
        return [label for fname, label in labels.items() if not self[fname]]
