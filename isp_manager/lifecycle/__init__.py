"""The request lifecycle shared by s.164 co-operation requests and s.137 board requests.

One body asks another; the request is drafted, sent, acknowledged, perhaps paused for a
clarification (the clock stops), extended by agreement, answered (complied with, partly, or
declined with a ground and written reasons), then closed, or withdrawn by the requester.
models.py holds the states, the column mixins and the timeline shape; services.py the named
transitions with their guards, the due-date arithmetic and the timeline and audit writes;
reasons.py the test that written reasons have substance. The steps both kinds share are shown
once: views.py (with forms.py and templates/lifecycle/) registers the clarification, extension
and withdrawal pages on each kind's blueprint, api.py (with schemas.py) the same steps' API
routes.
"""
