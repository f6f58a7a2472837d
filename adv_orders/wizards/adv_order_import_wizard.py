import base64
import binascii
import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime, time

from odoo import Command, _, fields, models
from odoo.exceptions import UserError

# Accepted column titles (compared without case, accents or surrounding spaces).
COLUMNS = {
    "product": (
        "reference",
        "internal reference",
        "default code",
        "product",
        "product reference",
        "barcode",
        "ean",
        "code",
        "article",
        "code article",
        "reference interne",
        "reference article",
        "code barre",
        "code-barres",
        "code barres",
    ),
    "quantity": ("quantity", "qty", "quantite", "qte"),
    "price": ("unit price", "price", "price unit", "prix", "prix unitaire", "pu", "prix net"),
    "date": (
        "requested date",
        "date",
        "delivery date",
        "date souhaitee",
        "date de livraison",
        "date demandee",
        "date livraison",
    ),
    "customer_ref": (
        "customer reference",
        "client order ref",
        "reference client",
        "votre reference",
        "order reference",
        "bon de commande",
        "numero de commande",
        "po",
    ),
}
REQUIRED_COLUMNS = ("product", "quantity")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d")
MAX_ERRORS = 20


def _normalize(text):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(text.replace("_", " ").lower().split())


class AdvOrderImportWizard(models.TransientModel):
    _name = "adv.order.import.wizard"
    _description = "Import a Customer Order File"

    order_id = fields.Many2one("sale.order", string="Quotation", required=True, ondelete="cascade")
    file_data = fields.Binary(string="Order File", attachment=False)
    file_name = fields.Char()

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_import(self):
        """Fill the quotation from the file, or refuse the whole file with every bad row."""
        self.ensure_one()
        order = self.order_id
        if order.state not in ("draft", "sent"):
            raise UserError(_("Order files can only be imported into a quotation."))
        rows = self._read_rows()
        parsed = self._parse_rows(rows)
        order.write(self._prepare_order_values(parsed))
        order._adv_check()
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _read_rows(self):
        """Return the rows of the file as lists of cell values, header first."""
        try:
            content = base64.b64decode(self.file_data or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(_("The file could not be read.")) from error
        if not content.strip():
            raise UserError(_("The file is empty."))
        name = (self.file_name or "").lower()
        if name.endswith((".xlsx", ".xlsm")) or zipfile.is_zipfile(io.BytesIO(content)):
            rows = self._read_xlsx(content)
        else:
            rows = self._read_csv(content)
        rows = [row for row in rows if any(str(cell or "").strip() for cell in row)]
        if len(rows) < 2:
            raise UserError(
                _("The file is empty: it needs a header row and at least one order line.")
            )
        return rows

    def _read_csv(self, content):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            row = content[: error.start].count(b"\n") + 1
            raise UserError(
                _(
                    "Row %(row)s: the file is not encoded in UTF-8. Save it as "
                    '"CSV UTF-8" and import it again.',
                    row=row,
                )
            ) from error
        first_line = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first_line.count)
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))

    def _read_xlsx(self, content):
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as error:
            raise UserError(
                _("The file is not a valid XLSX spreadsheet: %(error)s", error=error)
            ) from error

    def _map_columns(self, header):
        aliases = {_normalize(alias): key for key, names in COLUMNS.items() for alias in names}
        mapping = {}
        for index, title in enumerate(header):
            if not str(title or "").strip():
                continue
            key = aliases.get(_normalize(title))
            if not key:
                raise UserError(
                    _(
                        'Row 1, column %(column)s: unknown column "%(title)s". Expected columns: '
                        "product reference or barcode, quantity, and optionally unit price, "
                        "requested date, customer reference.",
                        column=index + 1,
                        title=title,
                    )
                )
            if key in mapping:
                raise UserError(
                    _(
                        'Row 1, column %(column)s: column "%(title)s" appears twice.',
                        column=index + 1,
                        title=title,
                    )
                )
            mapping[key] = index
        missing = [key for key in REQUIRED_COLUMNS if key not in mapping]
        if missing:
            labels = {"product": _("product reference or barcode"), "quantity": _("quantity")}
            raise UserError(
                _(
                    "Row 1: the file has no %(columns)s column.",
                    columns=_(" and no ").join(labels[key] for key in missing),
                )
            )
        return mapping

    def _parse_number(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = str(value or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if "," in text and "." in text:
            # The first separator groups thousands: "1.234,50" or "1,234.50".
            thousands = "." if text.index(".") < text.index(",") else ","
            text = text.replace(thousands, "")
        return float(text.replace(",", "."))

    def _parse_date(self, value):
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

    def _parse_rows(self, rows):
        """Return a list of dicts (row, product, quantity, price, date, customer_ref).

        Every error of the file is collected, so that the customer's file can be fixed in
        one go; nothing is written when there is one.
        """
        header, data = rows[0], rows[1:]
        mapping = self._map_columns(header)
        titles = {key: str(header[index]).strip() for key, index in mapping.items()}

        def cell(row, key):
            index = mapping.get(key)
            if index is None or index >= len(row):
                return None
            value = row[index]
            return value.strip() if isinstance(value, str) else value

        codes = {
            str(cell(row, "product")) for row in data if cell(row, "product") not in (None, "")
        }
        products = self.env["product.product"].search(
            [
                "|",
                ("default_code", "in", list(codes)),
                ("barcode", "in", list(codes)),
                ("sale_ok", "=", True),
                ("company_id", "in", [False, self.order_id.company_id.id]),
            ]
        )
        by_code = {}
        for product in products:
            for code in (product.default_code, product.barcode):
                if code in codes:
                    by_code.setdefault(code, self.env["product.product"])
                    by_code[code] |= product

        errors, parsed = [], []
        for row_number, row in enumerate(data, start=2):
            vals = {"row": row_number}

            def error(key, message, row_number=row_number):
                errors.append(
                    self.env._(
                        "Row %(row)s, column %(column)s: %(message)s",
                        row=row_number,
                        column=titles[key],
                        message=message,
                    )
                )

            code = cell(row, "product")
            code = "" if code is None else str(code)
            if isinstance(cell(row, "product"), float) and cell(row, "product").is_integer():
                code = str(int(cell(row, "product")))  # a barcode read as a number
            found = by_code.get(code)
            if not code:
                error("product", _("the product reference is missing."))
            elif not found:
                error("product", _('unknown product reference or barcode "%(code)s".', code=code))
            elif len(found) > 1:
                error("product", _('"%(code)s" matches several products.', code=code))
            else:
                vals["product"] = found

            try:
                vals["quantity"] = self._parse_number(cell(row, "quantity"))
                if vals["quantity"] <= 0:
                    error("quantity", _("the quantity must be positive."))
            except (TypeError, ValueError):
                error(
                    "quantity", _('"%(value)s" is not a number.', value=cell(row, "quantity") or "")
                )

            price = cell(row, "price")
            if price not in (None, ""):
                try:
                    vals["price"] = self._parse_number(price)
                    if vals["price"] < 0:
                        error("price", _("the unit price cannot be negative."))
                except (TypeError, ValueError):
                    error("price", _('"%(value)s" is not a number.', value=price))

            requested = cell(row, "date")
            if requested not in (None, ""):
                try:
                    vals["date"] = self._parse_date(requested)
                except ValueError:
                    error(
                        "date",
                        _('"%(value)s" is not a date (expected DD/MM/YYYY).', value=requested),
                    )

            ref = cell(row, "customer_ref")
            if ref not in (None, ""):
                vals["customer_ref"] = str(ref)
            parsed.append(vals)

        refs = {vals["customer_ref"] for vals in parsed if vals.get("customer_ref")}
        if len(refs) > 1:
            first = next(vals for vals in parsed if vals.get("customer_ref"))
            for vals in parsed:
                if vals.get("customer_ref") not in (None, first["customer_ref"]):
                    errors.append(
                        _(
                            "Row %(row)s, column %(column)s: customer reference %(ref)s differs "
                            "from %(first)s: import one order per file.",
                            row=vals["row"],
                            column=titles["customer_ref"],
                            ref=vals["customer_ref"],
                            first=first["customer_ref"],
                        )
                    )
        if errors:
            shown = errors[:MAX_ERRORS]
            if len(errors) > MAX_ERRORS:
                shown.append(_("... and %(count)s more errors.", count=len(errors) - MAX_ERRORS))
            raise UserError(
                _(
                    "The file was not imported, nothing was changed:\n%(errors)s",
                    errors="\n".join(shown),
                )
            )
        return parsed

    def _prepare_order_values(self, parsed):
        line_commands = []
        for vals in parsed:
            line_vals = {"product_id": vals["product"].id, "product_uom_qty": vals["quantity"]}
            if "price" in vals:
                line_vals["price_unit"] = vals["price"]
            line_commands.append(Command.create(line_vals))
        order_vals = {"order_line": line_commands}
        dates = [vals["date"] for vals in parsed if vals.get("date")]
        if dates:
            # The customer wants everything by its earliest date.
            order_vals["commitment_date"] = datetime.combine(min(dates), time(12, 0))
        refs = [vals["customer_ref"] for vals in parsed if vals.get("customer_ref")]
        if refs:
            order_vals["client_order_ref"] = refs[0]
        return order_vals
