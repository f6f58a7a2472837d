{
    "name": "ADV Suite - E-invoicing Status",
    "summary": "Life-cycle status of every customer invoice under the French e-invoicing "
    "reform (deposited, approved, disputed, refused, collected...), with its history",
    "version": "18.0.1.0.0",
    "category": "Accounting/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_base",
        "account",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/adv_einvoicing_security.xml",
        "wizards/adv_einvoice_status_wizard_views.xml",
        "views/account_move_views.xml",
    ],
    "installable": True,
}
