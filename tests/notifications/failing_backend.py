from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("SMTP down")


class Killed(BaseException):
    """What a worker's death looks like from inside the loop: nothing after it runs."""


class DiesOnThirdBackend(BaseEmailBackend):
    """Sends two messages (to the locmem outbox), then the process 'dies' on the third."""

    sends = 0

    def send_messages(self, email_messages):
        from django.core import mail

        type(self).sends += 1
        if type(self).sends == 3:
            raise Killed
        mail.outbox.extend(email_messages)
        return len(email_messages)
