from . import account_move
from . import adv_dunning_communication
from . import adv_dunning_run
