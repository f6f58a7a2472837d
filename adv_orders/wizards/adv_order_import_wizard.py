import base64
import binascii
import csv
import io
import unicodedata
import zipfile

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..models.adv_order_intake import MAX_CELL_CHARS, MAX_ERRORS

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
# Size of the uploaded file; an administrator can change it with this system parameter.
MAX_BYTES_PARAM = "adv_orders.import_max_bytes"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# An XLSX file is a zip: a few kilobytes can unpack to gigabytes (zip bomb). A real order
# sheet of a few thousand lines unpacks to a few megabytes.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024


def _normalize(text):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(text.replace("_", " ").lower().split())


class AdvOrderImportWizard(models.TransientModel):
    _name = "adv.order.import.wizard"
    _description = "Import a Customer Order File"

    order_id = fields.Many2one("sale.order", string="Quotation", required=True, ondelete="cascade")
    file_data = fields.Binary(string="Order File", attachment=False)
    file_name = fields.Char()
    # Set by "Add them again": the user has seen that the file repeats lines of the quotation.
    confirm_duplicates = fields.Boolean(string="Add the Lines Again")
    duplicate_warning = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_import(self):
        """Fill the quotation from the file, or refuse the whole file with every bad row."""
        self.ensure_one()
        order = self.order_id
        order._ensure_can_import()
        rows, row_numbers = self._read_rows()
        parsed = self._parse_rows(rows, row_numbers)
        if not self.confirm_duplicates:
            warning = self._get_duplicate_warning(parsed)
            if warning:
                # A file imported twice doubles the order: ask before writing anything.
                self.duplicate_warning = warning
                return {
                    "type": "ir.actions.act_window",
                    "name": _("Import Order File"),
                    "res_model": self._name,
                    "res_id": self.id,
                    "view_mode": "form",
                    "views": [(False, "form")],
                    "target": "new",
                }
        order.write(self._prepare_order_values(parsed))
        order._adv_check()
        return {"type": "ir.actions.act_window_close"}

    def action_import_again(self):
        """Import the file although its lines are already on the quotation."""
        self.ensure_one()
        self.confirm_duplicates = True
        return self.action_import()

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _get_max_bytes(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_BYTES_PARAM)
        try:
            max_bytes = int(value or DEFAULT_MAX_BYTES)
        except ValueError:
            max_bytes = DEFAULT_MAX_BYTES
        return max_bytes if max_bytes > 0 else DEFAULT_MAX_BYTES

    def _read_rows(self):
        """Return the rows of the file as lists of cell values, header first, and the
        numbers of the order lines in the file (blank rows are skipped but counted).

        The size and line limits are checked before the file is read entirely, so that a
        huge or malicious file is refused at once instead of exhausting the server.
        """
        max_bytes = self._get_max_bytes()
        data = self.file_data or b""
        # Base64 takes 4 characters for 3 bytes: refuse before decoding a huge file.
        if len(data) * 3 // 4 > max_bytes + 2:
            self._raise_too_large(max_bytes)
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(_("The file could not be read.")) from error
        if len(content) > max_bytes:
            self._raise_too_large(max_bytes)
        if not content.strip():
            raise UserError(_("The file is empty."))
        name = (self.file_name or "").lower()
        if name.endswith((".xlsx", ".xlsm")) or zipfile.is_zipfile(io.BytesIO(content)):
            rows = self._read_xlsx(content)
        else:
            rows = self._read_csv(content)
        return self._collect_rows(rows, self.order_id.company_id.adv_import_max_lines)

    def _raise_too_large(self, max_bytes):
        raise UserError(
            _(
                "The file is larger than %(limit)s MB, the maximum size of an order file: "
                "split it into several files.",
                limit=f"{max_bytes / (1024 * 1024):g}",
            )
        )

    def _collect_rows(self, rows, max_lines):
        """Read the stream of rows up to one line past the limit, skipping blank rows."""
        header, lines, numbers, width = None, [], [], 0
        for row_number, row in enumerate(rows, start=1):
            if all(cell is None or not str(cell).strip() for cell in row):
                continue
            if any(isinstance(cell, str) and len(cell) > MAX_CELL_CHARS for cell in row):
                self._raise_cell_too_long(row_number, MAX_CELL_CHARS)
            if header is None:
                header = list(row)
                # The cells past the last titled column are never read: don't keep them
                # (a sheet can declare 16,384 columns).
                width = max(i + 1 for i, title in enumerate(header) if str(title or "").strip())
                header = header[:width]
                continue
            if len(lines) >= max_lines:
                raise UserError(
                    _(
                        "The file has more than %(limit)s order lines, the maximum for one "
                        "import: split it into several files.",
                        limit=max_lines,
                    )
                )
            lines.append(list(row[:width]))
            numbers.append(row_number)
        if not lines:
            raise UserError(
                _("The file is empty: it needs a header row and at least one order line.")
            )
        return [header, *lines], numbers

    def _raise_cell_too_long(self, row_number, limit, error=None):
        raise UserError(
            _(
                "Row %(row)s: a cell is longer than %(limit)s characters; a quote is probably "
                "missing.",
                row=row_number,
                limit=limit,
            )
        ) from error

    def _read_csv(self, content):
        """Yield the rows of a CSV file one by one."""
        nul = content.find(b"\x00")
        if nul >= 0:
            # Typically a UTF-16 export or a binary file renamed .csv; PostgreSQL would
            # refuse the character anyway.
            raise UserError(
                _(
                    "Row %(row)s: the file contains NUL characters, it is not a text CSV file. "
                    'Save it as "CSV UTF-8" and import it again.',
                    row=content[:nul].count(b"\n") + 1,
                )
            )
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
        end = text.find("\n")
        first_line = text if end < 0 else text[:end]
        delimiter = max(";,\t", key=first_line.count)
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                # The csv module has no exception class of its own for an overlong field.
                if "field limit" in str(error):
                    self._raise_cell_too_long(reader.line_num, csv.field_size_limit(), error)
                raise UserError(
                    _(
                        "Row %(row)s: the file is not a valid CSV file (%(error)s).",
                        row=reader.line_num,
                        error=error,
                    )
                ) from error
            yield row

    def _read_xlsx(self, content):
        """Yield the rows of the first sheet one by one, without loading the whole sheet."""
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                # zipfile never returns more than a member's declared size (and checks its
                # CRC), so the declared sizes bound what openpyxl can unpack.
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError) as error:
            raise UserError(
                _("The file is not a valid XLSX spreadsheet: %(error)s", error=error)
            ) from error
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise UserError(
                _(
                    "The spreadsheet takes more than %(limit)s MB once uncompressed: it is not "
                    "an order file that can be imported.",
                    limit=MAX_XLSX_UNPACKED_BYTES // (1024 * 1024),
                )
            )
        workbook = None
        try:
            try:
                import openpyxl

                workbook = openpyxl.load_workbook(
                    io.BytesIO(content), read_only=True, data_only=True
                )
                sheet = workbook.worksheets[0]
                # The declared dimension (e.g. A1:XFD1048576) is not trusted: each row then
                # only has the cells it really contains.
                sheet.reset_dimensions()
                rows = sheet.iter_rows(values_only=True)
            except Exception as error:
                raise UserError(
                    _("The file is not a valid XLSX spreadsheet: %(error)s", error=error)
                ) from error
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except Exception as error:  # openpyxl raises anything on a broken sheet
                    raise UserError(
                        _("The file is not a valid XLSX spreadsheet: %(error)s", error=error)
                    ) from error
                yield row
        finally:
            if workbook is not None:
                workbook.close()

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

    def _parse_rows(self, rows, row_numbers=None):
        """Return a list of dicts (row, product, quantity, price, date, customer_ref).

        row_numbers are the numbers of the data rows in the file, as the customer sees them
        in a spreadsheet (by default, the rows follow the header without gaps).

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

        intake = self.env["adv.order.intake"]

        def report(row_number, key, message):
            return self.env._(
                "Row %(row)s, column %(column)s: %(message)s",
                row=row_number,
                column=titles[key],
                message=message,
            )

        row_numbers = row_numbers or range(2, len(rows) + 1)
        lines = [
            {"row": row_number, **{key: cell(row, key) for key in mapping}}
            for row_number, row in zip(row_numbers, data, strict=True)
        ]
        parsed, errors = intake._adv_parse_lines(lines, self.order_id.company_id, report)
        for vals, line in zip(parsed, lines, strict=True):
            ref = intake._adv_cell_text(line.get("customer_ref"))
            if ref:
                vals["customer_ref"] = ref

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
            raise UserError(
                _(
                    "The file was not imported, nothing was changed:\n%(errors)s",
                    errors=intake._adv_error_list(errors),
                )
            )
        return parsed

    def _get_duplicate_warning(self, parsed):
        """Return the warning listing the file lines already on the quotation, if any.

        A line is a duplicate when the quotation already has a line of the same product and
        quantity: the usual sign of a file imported twice.
        """
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        existing = {
            (line.product_id.id, float_round(line.product_uom_qty, precision_digits=digits))
            for line in self.order_id.order_line
            if line.product_id
        }
        duplicates = [
            vals
            for vals in parsed
            if (vals["product"].id, float_round(vals["quantity"], precision_digits=digits))
            in existing
        ]
        if not duplicates:
            return False
        lines = [
            _(
                "Row %(row)s: %(product)s, quantity %(quantity)s",
                row=vals["row"],
                product=vals["product"].display_name,
                quantity=f"{vals['quantity']:g}",
            )
            for vals in duplicates[:MAX_ERRORS]
        ]
        if len(duplicates) > MAX_ERRORS:
            lines.append(_("... and %(count)s more.", count=len(duplicates) - MAX_ERRORS))
        return _(
            "%(count)s of the %(total)s lines of the file are already on the quotation with "
            "the same product and quantity; the file may have been imported already:\n"
            "%(lines)s\n"
            'Click "Add them again" to import the whole file anyway.',
            count=len(duplicates),
            total=len(parsed),
            lines="\n".join(lines),
        )

    def _prepare_order_values(self, parsed):
        order_vals = self.env["adv.order.intake"]._adv_prepare_order_values(parsed)
        refs = [vals["customer_ref"] for vals in parsed if vals.get("customer_ref")]
        if refs:
            order_vals["client_order_ref"] = refs[0]
        return order_vals
