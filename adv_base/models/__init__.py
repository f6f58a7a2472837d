from . import adv_run_mixin
from . import res_config_settings
