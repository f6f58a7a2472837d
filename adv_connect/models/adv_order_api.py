from datetime import datetime, time

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import email_normalize

from odoo.addons.adv_orders.models.adv_order_intake import MAX_CELL_CHARS

ORDER_KEYS = {"customer", "client_order_ref", "commitment_date", "lines"}
CUSTOMER_KEYS = {"ref", "vat", "email"}
LINE_KEYS = {"product", "quantity", "price", "date"}


class AdvOrderApi(models.AbstractModel):
    """The order endpoint's work (``POST /adv/api/v1/orders``), apart from HTTP: an
    external order becomes a quotation after the same checks as an order file
    (``adv.order.intake``), then the conformity rules run on it.

    Everything runs as the user of the API key, with that user's rights: a salesman can,
    a portal customer cannot.
    """

    _name = "adv.order.api"
    _description = "External Order Endpoint"

    @api.model
    def _adv_create_quotation(self, payload):
        """Return (HTTP status, answer) for ``payload``, the decoded JSON body.

        400 with every error and nothing written when the order is refused; 201 with the
        new quotation and its findings; 200 with the existing one when the customer's
        order reference was already received (the same request sent twice).
        """
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(_("This API key's user cannot create quotations."))
        company = self.env.company
        errors = []
        if not isinstance(payload, dict):
            return 400, self._adv_answer(errors=[_("The body must be a JSON object.")])
        self._adv_check_keys(payload, ORDER_KEYS, "", errors)
        customer = self._adv_find_customer(payload.get("customer"), company, errors)
        ref = payload.get("client_order_ref")
        if ref is not None and not self._adv_is_short_text(ref):
            errors.append(
                _(
                    "client_order_ref: a text of at most %(limit)s characters.",
                    limit=MAX_CELL_CHARS,
                )
            )
            ref = None
        intake = self.env["adv.order.intake"]
        commitment = payload.get("commitment_date")
        if commitment not in (None, ""):
            try:
                commitment = intake._adv_parse_date(commitment)
            except ValueError:
                errors.append(
                    _(
                        'commitment_date: "%(value)s" is not a date (expected YYYY-MM-DD).',
                        value=str(commitment)[:100],
                    )
                )
        lines = self._adv_raw_lines(payload.get("lines"), company, errors)

        def report(index, key, message):
            return _(
                "lines[%(index)s].%(field)s: %(message)s", index=index, field=key, message=message
            )

        parsed, line_errors = intake._adv_parse_lines(lines, company, report)
        errors += line_errors
        if errors:
            return 400, self._adv_answer(errors=errors)

        if ref:
            existing = self.env["sale.order"].search(
                [
                    ("partner_id", "child_of", customer.id),
                    ("client_order_ref", "=", ref),
                    ("company_id", "=", company.id),
                    ("state", "!=", "cancel"),
                ],
                limit=1,
            )
            if existing:
                return 200, self._adv_answer(existing, duplicate=True)

        vals = {
            "partner_id": customer.id,
            "company_id": company.id,
            **intake._adv_prepare_order_values(parsed),
        }
        if ref:
            vals["client_order_ref"] = ref
        if commitment not in (None, ""):
            # The order's own date wins over the lines' earliest requested date.
            vals["commitment_date"] = datetime.combine(commitment, time(12, 0))
        with self.env.cr.savepoint():
            order = self.env["sale.order"].create(vals)
            order._adv_check()
            # a log note: an integration user often has no e-mail address to post from
            order._message_log(
                body=_("Quotation created through the API by %(user)s.", user=self.env.user.name)
            )
        return 201, self._adv_answer(order)

    @api.model
    def _adv_answer(self, order=None, errors=(), duplicate=False):
        """The JSON answer: the order, its findings, the errors."""
        if not order:
            return {"order": None, "findings": [], "errors": list(errors)}
        return {
            "order": {
                "id": order.id,
                "name": order.name,
                "state": order.state,
                "conformity_state": order.adv_conformity_state,
                "client_order_ref": order.client_order_ref or None,
                "currency": order.currency_id.name,
                "amount_untaxed": order.amount_untaxed,
                "amount_total": order.amount_total,
            },
            "duplicate": duplicate,
            "findings": [
                {
                    "rule": finding.rule_id.name,
                    "severity": finding.severity,
                    "blocking": finding.severity == "blocking",
                    "message": finding.message,
                    "product_code": finding.order_line_id.product_id.default_code or None,
                }
                for finding in order.adv_finding_ids
            ],
            "errors": list(errors),
        }

    @api.model
    def _adv_is_short_text(self, value):
        return (
            isinstance(value, (str, int))
            and not isinstance(value, bool)
            and (len(str(value)) <= MAX_CELL_CHARS)
        )

    @api.model
    def _adv_check_keys(self, values, allowed, prefix, errors):
        """A misspelt key ("qty") is an error, not a value silently left out."""
        for key in sorted(set(values) - allowed, key=str)[:10]:
            errors.append(
                _(
                    '%(prefix)s"%(key)s": unknown key (expected: %(allowed)s).',
                    prefix=prefix,
                    key=str(key)[:100],
                    allowed=", ".join(sorted(allowed)),
                )
            )

    @api.model
    def _adv_find_customer(self, customer, company, errors):
        """The one customer (commercial entity) that all the given identifiers name."""
        if not isinstance(customer, dict) or not CUSTOMER_KEYS & customer.keys():
            errors.append(_('customer: an object with "ref", "vat" or "email" is required.'))
            return self.env["res.partner"]
        self._adv_check_keys(customer, CUSTOMER_KEYS, "customer.", errors)
        domain = [("company_id", "in", [False, company.id])]
        for key in sorted(CUSTOMER_KEYS & customer.keys()):
            value = customer[key]
            if not self._adv_is_short_text(value) or not str(value).strip():
                errors.append(
                    _(
                        "customer.%(key)s: a non-empty text of at most %(limit)s characters.",
                        key=key,
                        limit=MAX_CELL_CHARS,
                    )
                )
                return self.env["res.partner"]
            value = str(value).strip()
            if key == "ref":
                domain.append(("ref", "=", value))
            elif key == "vat":
                domain.append(("vat", "in", list({value, value.replace(" ", "").upper()})))
            else:
                domain.append(("email_normalized", "=", email_normalize(value) or value))
        customers = self.env["res.partner"].search(domain, limit=50).commercial_partner_id
        if len(customers) == 1:
            return customers
        if customers:
            errors.append(
                _(
                    "customer: %(count)s customers match (%(names)s); give more identifiers.",
                    count=len(customers),
                    names=", ".join(customers[:5].mapped("display_name")),
                )
            )
        else:
            errors.append(_("customer: no customer matches these identifiers."))
        return self.env["res.partner"]

    @api.model
    def _adv_raw_lines(self, lines, company, errors):
        """The lines as the intake checks read them; the line limit is the order files'
        (company setting)."""
        if not isinstance(lines, list) or not lines:
            errors.append(_("lines: a non-empty list of order lines is required."))
            return []
        limit = company.adv_import_max_lines
        if len(lines) > limit:
            errors.append(
                _(
                    "lines: %(count)s order lines, more than %(limit)s, the maximum for one "
                    "order: split it.",
                    count=len(lines),
                    limit=limit,
                )
            )
            return []
        raw = []
        for index, line in enumerate(lines):
            if not isinstance(line, dict):
                errors.append(_("lines[%(index)s]: an object is expected.", index=index))
                continue
            self._adv_check_keys(line, LINE_KEYS, f"lines[{index}].", errors)
            values = {"row": index}
            for key in LINE_KEYS & line.keys():
                value = line[key]
                if value is not None and not isinstance(value, (str, int, float)):
                    errors.append(
                        _(
                            "lines[%(index)s].%(field)s: a text or a number is expected.",
                            index=index,
                            field=key,
                        )
                    )
                    continue
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    errors.append(
                        _(
                            "lines[%(index)s].%(field)s: longer than %(limit)s characters.",
                            index=index,
                            field=key,
                            limit=MAX_CELL_CHARS,
                        )
                    )
                    continue
                values[key] = value.strip() if isinstance(value, str) else value
            raw.append(values)
        return raw
