from . import einvoice_status
from . import adv_einvoice_status_history
from . import account_move
from . import account_move_line
from . import account_partial_reconcile
from . import account_payment
