"""Make the first company of a fresh database the French demo company of ADV Suite.

Run by ``scripts/adv run`` (and docker-compose.yml) between the creation of the database
(base only) and the installation of the suite, so that accounting installs the French
chart of accounts in euros, and once more after it, since some of Odoo's own demo data
renames the main company. Idempotent.
Usage: python adv_demo_company.py <odoo-bin options...> -d <db>
"""

import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


def main(argv):
    config.parse_config(argv)
    dbname = config["db_name"]
    if isinstance(dbname, list):  # 18.0 may return a list
        dbname = dbname[0]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        france = env.ref("base.fr")
        euro = env.ref("base.EUR")
        euro.active = True
        company = env.ref("base.main_company")
        company.write(
            {
                "name": "Distribution Atlantique",
                "street": "18 quai de la Fosse",
                "zip": "44000",
                "city": "Nantes",
                "country_id": france.id,
                "currency_id": euro.id,
                "vat": "FR40303265045",
                "company_registry": "303265045",
                "email": "adv@distribution-atlantique.fr",
                "phone": "+33 2 40 00 00 00",
                "website": "https://www.distribution-atlantique.fr",
            }
        )
        env.ref("base.user_admin").write({"lang": "fr_FR", "tz": "Europe/Paris"})
        env.ref("base.partner_admin").write({"lang": "fr_FR", "tz": "Europe/Paris"})
    odoo.sql_db.close_all()


if __name__ == "__main__":
    main(sys.argv[1:])
