{
    "name": "ADV Suite - Orders and Dunning",
    "summary": "Bridge: a customer on credit hold is a blocking conformity finding",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_orders",
        "adv_dunning",
    ],
    "data": [
        "data/adv_conformity_rule_data.xml",
    ],
    "auto_install": True,
    "installable": True,
}
