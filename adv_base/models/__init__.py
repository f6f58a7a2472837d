from . import adv_run_mixin
from . import mail_mail
from . import res_config_settings
from . import ir_mail_server
