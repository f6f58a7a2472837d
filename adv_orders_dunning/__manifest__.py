{
    "name": "ADV Suite - Orders and Dunning",
    "summary": "Bridge: a customer on credit hold cannot have new orders confirmed",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_orders",
        "adv_dunning",
    ],
    "data": [],
    "auto_install": True,
    "installable": True,
}
