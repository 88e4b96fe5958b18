"""Section 164 requests for co-operation and information: requests, answers, refusals with
written reasons, the letter that sets them out, inbox and outbox, reminders and figures."""
