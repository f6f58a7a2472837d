from . import test_adv_base
from . import test_docker_compose
from . import test_mail_sent_once
