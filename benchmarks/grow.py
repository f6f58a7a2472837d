"""Grow a benchmark database built by build_data.py with Odoo 18's own populate.

Usage (see benchmarks/bench): python grow.py <odoo-bin options> -d bench_m --size M --factor 4

The seed (bench_s: 1,000 customers, 10,000 invoices, written through the ORM) is copied,
then every record of the order-to-cash history is duplicated ``--factor`` times by
``odoo.tools.populate.populate_models``, the engine of ``odoo-bin populate``: one
``INSERT ... SELECT`` per table, many2one fields pointing to the copy of the same rank
(copy n of an invoice belongs to copy n of its customer, its payment's partial
reconciliation links the copies n of both journal items), dates moved back by 0 to
``factor - 1`` days, unique and searchable text suffixed. The models are given in the
order that lets each many2one find its target already copied:

- full reconciliations, customers, journal entries (with their items), partial
  reconciliations: the receivable stays consistent (residuals, reconciled flags and the
  partials that explain them);
- orders (with their lines), then the links between order lines and invoice lines (the
  relation table of ``sale.order.line.invoice_lines``, which populate only follows for
  fields copied by ``copy()``: it is given explicitly), pickings (with their stock
  moves), disputes (with their invoices).

What is not duplicated: ``account.payment`` records (their journal entries are), stock
move lines and quants, chatter. No measure reads them.
"""

import argparse
import ast
import logging
import sys
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools.populate import infer_many2many_model, populate_models

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_data import open_registry  # benchmarks/build_data.py, next to this file

_logger = logging.getLogger("bench.grow")

MODELS = [
    "account.full.reconcile",
    "res.partner",
    "account.move",
    "account.partial.reconcile",
    "sale.order",
    ("sale.order.line", "invoice_lines"),
    "stock.picking",
    "adv.dispute",
]


def counts(cr):
    cr.execute(
        """
        SELECT (SELECT COUNT(*) FROM res_partner WHERE customer_rank > 0),
               (SELECT COUNT(*) FROM account_move
                 WHERE move_type = 'out_invoice' AND state = 'posted'),
               (SELECT COUNT(*) FROM account_move
                 WHERE move_type = 'out_invoice' AND state = 'posted'
                   AND EXISTS (SELECT 1 FROM account_move_line aml
                                 JOIN sale_order_line_invoice_rel rel
                                   ON rel.invoice_line_id = aml.id
                                WHERE aml.move_id = account_move.id)),
               (SELECT COUNT(*) FROM sale_order),
               (SELECT COUNT(*) FROM account_move
                 WHERE move_type = 'out_refund' AND state = 'posted'),
               (SELECT COUNT(*) FROM account_move WHERE origin_payment_id IS NOT NULL),
               (SELECT COUNT(*) FROM adv_dispute)
        """
    )
    keys = ("customers", "invoices", "order_invoices", "orders", "credit_notes", "payments")
    row = cr.fetchone()
    return dict(zip((*keys, "disputes"), row, strict=True))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", required=True)
    parser.add_argument("--factor", type=int, required=True)
    args, odoo_args = parser.parse_known_args(argv)
    registry = open_registry(odoo_args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
        seed = ast.literal_eval(env["ir.config_parameter"].get_param("bench.build_stats"))
        factors = {}
        for entry in MODELS:
            if isinstance(entry, tuple):
                model, fname = entry
                factors[infer_many2many_model(env, env[model]._fields[fname])] = args.factor
            else:
                factors[env[entry]] = args.factor
        t0 = time.perf_counter()
        populate_models(factors, ord("_"))
        env.flush_all()
        cr.commit()
        grow_seconds = time.perf_counter() - t0
        _logger.info("populated x%d in %.0f s", args.factor + 1, grow_seconds)
        stats = dict(seed, **counts(cr))
        stats.update(
            size=args.size,
            seed=f"{seed['size']} (ORM, {seed['build_seconds'] / 60:.0f} min)",
            factor=args.factor + 1,
            timings=dict(seed["timings"], **{f"populate x{args.factor + 1}": grow_seconds}),
            build_seconds=seed["build_seconds"] + grow_seconds,
        )
        env["ir.config_parameter"].set_param("bench.build_stats", repr(stats))
        cr.commit()
        _logger.info("grown: %s", stats)
    odoo.sql_db.close_all()


if __name__ == "__main__":
    main(sys.argv[1:])
