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

    # Public, as Odoo's own portal documents: the access token of the dispute (sent to a
    # customer who opened it from a reminder's link, without an account) opens it.
    @http.route(["/my/disputes/<int:dispute_id>"], type="http", auth="public", website=True)
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

    # Longest description a customer may type in the form (characters).
    _portal_description_max = 10000

    @http.route(
        ["/my/invoices/<int:invoice_id>/dispute"],
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_invoice_dispute(self, invoice_id, access_token=None, **post):
        """Let the customer open a dispute on one of its own posted invoices: logged in as a
        portal user of its company, or with the link of the invoice (``access_token``, the
        invoice's portal token, as in the reminders' links), without an account.

        The token opens this invoice only: it is compared with the token of the invoice
        named in the URL, and the dispute is the invoice's customer's, whoever follows the
        link."""
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        invoice = request.env["account.move"].browse(invoice_id)
        if invoice.has_access("read"):
            # The logged-in customer reads the invoice itself: the dispute is its company's
            # (_check_invoices refuses another customer's invoice).
            partner = request.env.user.commercial_partner_id
            access_token = None
        else:
            # Reached by the invoice's token only: the dispute is the invoice's customer's.
            invoice = invoice_sudo
            partner = invoice_sudo.commercial_partner_id
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
            elif len(description) > self._portal_description_max:
                error = _(
                    "The description is too long: %(max)s characters at most.",
                    max=self._portal_description_max,
                )
            else:
                try:
                    disputes._check_invoices(invoice, partner)
                    vals = {
                        key: value
                        for key, value in self._prepare_portal_dispute_vals(
                            invoice, post, partner=partner
                        ).items()
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
                    if access_token:
                        # No account: the dispute's own link, as Odoo shares its documents.
                        return request.redirect(dispute.get_portal_url())
                    return request.redirect(dispute.with_env(request.env).access_url)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "invoice": invoice,
                "access_token": access_token,
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

    def _prepare_portal_dispute_vals(self, invoice, post, partner=None):
        """Values of a dispute opened by the customer from the portal; override hook
        (only the keys of ``_portal_dispute_fields`` are kept).

        :param partner: the customer (commercial partner) the dispute is opened for, checked
            by the caller: the logged-in user's company, or the invoice's customer when the
            form was reached with the invoice's token"""
        partner = partner or request.env.user.commercial_partner_id
        return {
            "partner_id": partner.id,
            "company_id": invoice.company_id.id,
            "move_ids": [(6, 0, invoice.ids)],
            "reason": post["reason"],
            "description": plaintext2html(post["description"].strip()),
            # The ADV team assigns a responsible: a customer cannot read (nor notify) our users.
            "user_id": False,
        }
