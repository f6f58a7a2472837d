from . import res_company
from . import res_config_settings
from . import res_partner
from . import account_move
from . import adv_invoicing_run
from . import adv_invoicing_run_line
