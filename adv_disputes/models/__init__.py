from . import adv_dispute_source_mixin
from . import adv_dispute
from . import adv_dispute_line
from . import account_move
from . import res_company
from . import res_config_settings
from . import sale_order
from . import stock_picking
