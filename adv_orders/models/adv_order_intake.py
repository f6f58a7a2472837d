import math
from datetime import date, datetime, time

from odoo import Command, _, api, models

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d")
MAX_ERRORS = 20
# No order line has a quantity or a unit price of a billion; beyond, the order is wrong
# (a barcode typed in the quantity column, an exponent) and would only overflow the totals.
MAX_NUMBER = 1_000_000_000
# References, barcodes, numbers and dates are short; a longer value is a broken file (an
# unclosed quote swallows the rest of a CSV file) or a forged request.
MAX_CELL_CHARS = 1000


class AdvOrderIntake(models.AbstractModel):
    """The checks of an order that comes from outside: a customer's file (the order import
    wizard) or another application (``adv_connect``'s JSON endpoint). One definition, so
    that an order refused by one door is refused by the other with the same words.

    The callers read their own format into raw lines, dicts with the keys ``row`` (where
    the customer finds the line), ``product`` (reference or barcode), ``quantity`` and,
    optionally, ``price`` and ``date``; :meth:`_adv_parse_lines` resolves and validates
    them all and returns every error at once, so that the customer fixes the order in one
    go; nothing is written while there is one.
    """

    _name = "adv.order.intake"
    _description = "Order Intake Checks"

    @api.model
    def _adv_parse_number(self, value):
        """Return the value as a float; ValueError when it is not a finite number."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            text = str(value or "").strip()
            text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            if "," in text and "." in text:
                # The first separator groups thousands: "1.234,50" or "1,234.50".
                thousands = "." if text.index(".") < text.index(",") else ","
                text = text.replace(thousands, "")
            number = float(text.replace(",", "."))
        # float() accepts "nan", "inf", "Infinity" and turns "1e999" into inf.
        if not math.isfinite(number):
            raise ValueError(value)
        return number

    @api.model
    def _adv_parse_amount(self, value, error, key):
        """Return the number of the value, or None after reporting why it is refused."""
        try:
            number = self._adv_parse_number(value)
        except (TypeError, ValueError, OverflowError):
            error(key, _('"%(value)s" is not a number.', value=value if value is not None else ""))
            return None
        if abs(number) > MAX_NUMBER:
            error(
                key,
                _(
                    '"%(value)s" is too large (at most %(limit)s).',
                    value=value,
                    limit=f"{MAX_NUMBER:,}".replace(",", " "),
                ),
            )
            return None
        return number

    @api.model
    def _adv_cell_text(self, value):
        """Return a reference or barcode as text.

        A spreadsheet number cell comes as a float: 12345.0 must read "12345".
        """
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    @api.model
    def _adv_parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for date_format in DATE_FORMATS:
            try:
                return datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(text)

    @api.model
    def _adv_find_products(self, codes, company):
        """Return {code: products} for the references and barcodes of ``codes`` that
        products sold by ``company`` carry (one search for the whole order)."""
        products = self.env["product.product"].search(
            [
                "|",
                ("default_code", "in", list(codes)),
                ("barcode", "in", list(codes)),
                ("sale_ok", "=", True),
                ("company_id", "in", [False, company.id]),
            ]
        )
        by_code = {}
        for product in products:
            for code in (product.default_code, product.barcode):
                if code in codes:
                    by_code.setdefault(code, self.env["product.product"])
                    by_code[code] |= product
        return by_code

    @api.model
    def _adv_parse_lines(self, lines, company, report):
        """Resolve and validate the raw ``lines`` of an order for ``company``.

        ``report(row, key, message)`` returns the error as the customer should read it
        (the file says "Row 3, column Qty", the endpoint "lines[2].quantity"). Return the
        parsed lines (dicts with row, product, quantity and, when given, price and date)
        and the list of errors.
        """
        codes = {self._adv_cell_text(line.get("product")) for line in lines} - {""}
        by_code = self._adv_find_products(codes, company)
        errors, parsed = [], []
        for line in lines:
            vals = {"row": line["row"]}

            def error(key, message, row=line["row"]):
                errors.append(report(row, key, message))

            code = self._adv_cell_text(line.get("product"))
            found = by_code.get(code)
            if not code:
                error("product", _("the product reference is missing."))
            elif not found:
                error("product", _('unknown product reference or barcode "%(code)s".', code=code))
            elif len(found) > 1:
                error("product", _('"%(code)s" matches several products.', code=code))
            else:
                vals["product"] = found

            quantity = self._adv_parse_amount(line.get("quantity"), error, "quantity")
            if quantity is not None:
                if quantity <= 0:
                    error("quantity", _("the quantity must be positive."))
                vals["quantity"] = quantity

            price = line.get("price")
            if price not in (None, ""):
                price = self._adv_parse_amount(price, error, "price")
                if price is not None:
                    if price < 0:
                        error("price", _("the unit price cannot be negative."))
                    vals["price"] = price

            requested = line.get("date")
            if requested not in (None, ""):
                try:
                    vals["date"] = self._adv_parse_date(requested)
                except ValueError:
                    error(
                        "date",
                        _('"%(value)s" is not a date (expected DD/MM/YYYY).', value=requested),
                    )
            parsed.append(vals)
        return parsed, errors

    @api.model
    def _adv_error_list(self, errors):
        """The errors as one text, the first MAX_ERRORS of them and how many more."""
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(_("... and %(count)s more errors.", count=len(errors) - MAX_ERRORS))
        return "\n".join(shown)

    @api.model
    def _adv_prepare_order_values(self, parsed):
        """The order values of the parsed lines: one line each, the commitment date at the
        earliest requested date (the customer wants everything by then). Override hook."""
        line_commands = []
        for vals in parsed:
            line_vals = {"product_id": vals["product"].id, "product_uom_qty": vals["quantity"]}
            if "price" in vals:
                line_vals["price_unit"] = vals["price"]
            line_commands.append(Command.create(line_vals))
        order_vals = {"order_line": line_commands}
        dates = [vals["date"] for vals in parsed if vals.get("date")]
        if dates:
            order_vals["commitment_date"] = datetime.combine(min(dates), time(12, 0))
        return order_vals
