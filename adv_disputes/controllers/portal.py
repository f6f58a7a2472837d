from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import (
    CustomerPortal,
    pager as portal_pager,
)


class AdvDisputePortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "adv_dispute_count" in counters:
            disputes = request.env["adv.dispute"]
            # The record rules keep a customer to the disputes of its own company.
            values["adv_dispute_count"] = (
                disputes.search_count([]) if disputes.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/disputes", "/my/disputes/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_disputes(self, page=1, **kw):
        disputes = request.env["adv.dispute"]
        if not disputes.has_access("read"):
            return request.redirect("/my")
        total = disputes.search_count([])
        pager = portal_pager(url="/my/disputes", total=total, page=page, step=self._items_per_page)
        records = disputes.search([], limit=self._items_per_page, offset=pager["offset"])
        request.session["my_disputes_history"] = records.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "disputes": records,
                "pager": pager,
                "page_name": "adv_dispute",
                "default_url": "/my/disputes",
            }
        )
        return request.render("adv_disputes.portal_my_disputes", values)

    @http.route(["/my/disputes/<int:dispute_id>"], type="http", auth="user", website=True)
    def portal_my_dispute_detail(self, dispute_id, access_token=None, **kw):
        try:
            dispute_sudo = self._document_check_access("adv.dispute", dispute_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            dispute_sudo,
            access_token,
            {"page_name": "adv_dispute", "dispute": dispute_sudo},
            "my_disputes_history",
            False,
            **kw,
        )
        return request.render("adv_disputes.portal_dispute_page", values)

    @http.route(
        ["/my/invoices/<int:invoice_id>/dispute"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_invoice_dispute(self, invoice_id, **post):
        """Let the customer open a dispute on one of its own posted invoices."""
        try:
            # No access token: the logged-in customer must be able to read the invoice itself.
            self._document_check_access("account.move", invoice_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        invoice = request.env["account.move"].browse(invoice_id)
        disputes = request.env["adv.dispute"]
        reasons = disputes._fields["reason"]._description_selection(request.env)
        error = False
        if request.httprequest.method == "POST":
            reason = post.get("reason")
            description = (post.get("description") or "").strip()
            if reason not in dict(reasons):
                error = _("Choose the reason of the dispute.")
            elif not description:
                error = _("Describe the problem so that we can fix it.")
            else:
                try:
                    partner = request.env.user.commercial_partner_id
                    disputes._check_invoices(invoice, partner)
                    vals = {
                        key: value
                        for key, value in self._prepare_portal_dispute_vals(invoice, post).items()
                        if key in self._portal_dispute_fields
                    }
                    # A savepoint, so that a refused creation leaves nothing behind.
                    with request.env.cr.savepoint():
                        # Portal customers have no create right on disputes (a direct create
                        # through the external API is refused): the form creates the dispute
                        # as the system, once the invoice is checked to be the customer's, with
                        # the form's fields only, always new.
                        dispute = disputes.sudo().create(vals)
                except (UserError, ValidationError, AccessError) as exc:
                    error = str(exc)
                else:
                    return request.redirect(dispute.with_env(request.env).access_url)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "invoice": invoice,
                "reasons": reasons,
                "error": error,
                "post": post,
                "page_name": "invoice",
            }
        )
        return request.render("adv_disputes.portal_invoice_dispute_form", values)

    # The only fields a dispute opened from the portal gets: the dispute is created as the
    # system, so whatever an override adds beyond these is dropped.
    _portal_dispute_fields = frozenset(
        {"partner_id", "company_id", "move_ids", "reason", "description", "user_id"}
    )

    def _prepare_portal_dispute_vals(self, invoice, post):
        """Values of a dispute opened by the customer from the portal; override hook
        (only the keys of ``_portal_dispute_fields`` are kept)."""
        return {
            "partner_id": request.env.user.commercial_partner_id.id,
            "company_id": invoice.company_id.id,
            "move_ids": [(6, 0, invoice.ids)],
            "reason": post["reason"],
            "description": plaintext2html(post["description"].strip()),
            # The ADV team assigns a responsible: a customer cannot read (nor notify) our users.
            "user_id": False,
        }
