"""Settings (admin): read, change (each change in the history with who and when), and the history."""
from typing import Annotated

from flask import current_app, jsonify
from flask_login import current_user
from pydantic import Field

from webapp.domain.reorder import MAX_VELOCITY_DAYS
from webapp.domain.roles import ADMIN
from webapp.domain.settings import (GS1_PREFIX_PATTERN, MAX_CLOCK_SKEW_S, MAX_MINUTES, MAX_URL_LENGTH,
                                    WEBHOOK_URL_PATTERN, RULES)
from webapp.extensions import db
from webapp.services import settings
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, WholeNumber

Percent = Annotated[float, Field(ge=0, le=100, description="percent")]


class Tolerances(Body):
    A: Percent | None = None
    B: Percent | None = None
    C: Percent | None = None


class SettingsChange(Body):
    count_tolerance_pct: Tolerances | None = Field(default=None, description=RULES["count_tolerance_pct"].description)
    stuck_order_minutes: WholeNumber(1, MAX_MINUTES, description=RULES["stuck_order_minutes"].description) | None = None
    clock_skew_limit_seconds: WholeNumber(1, MAX_CLOCK_SKEW_S,
                                          description=RULES["clock_skew_limit_seconds"].description) | None = None
    gs1_company_prefix: Annotated[str, Field(pattern=GS1_PREFIX_PATTERN,
                                             description=RULES["gs1_company_prefix"].description)] | None = None
    webhook_url: Annotated[str, Field(max_length=MAX_URL_LENGTH, pattern=WEBHOOK_URL_PATTERN,
                                      description=RULES["webhook_url"].description)] | None = None
    reservation_expiry_minutes: WholeNumber(0, MAX_MINUTES,
                                            description=RULES["reservation_expiry_minutes"].description) | None = None
    reorder_velocity_days: WholeNumber(1, MAX_VELOCITY_DAYS,
                                       description=RULES["reorder_velocity_days"].description) | None = None


@api_endpoint(api, "/settings", "GET", roles=(ADMIN,), summary="Every setting's current value (stored, else the default)",
              responses={"200": "the settings"})
def get_settings():
    with db.unit_of_work() as s:
        result = settings.current(s, current_app.config)
    return jsonify(result)


@api_endpoint(api, "/settings", "PATCH", roles=(ADMIN,),
              summary="Change settings; every change goes into the history with who and when; a bad value is a 400 "
                      "naming the field and changes nothing",
              body=SettingsChange, responses={"200": "the settings after the change"})
def patch_settings(body: SettingsChange):
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "count_tolerance_pct" in changes:
        changes["count_tolerance_pct"] = {abc: pct for abc, pct in changes["count_tolerance_pct"].items()
                                          if pct is not None}
    with db.unit_of_work() as s:
        result = settings.change(s, changes, current_user.id, current_app.config)
    return jsonify(result)


@api_endpoint(api, "/settings/history", "GET", roles=(ADMIN,),
              summary="Every setting change, newest first: key, old, new, who, when",
              parameters=PAGING_PARAMETERS, responses={"200": "a page of changes"})
def settings_history():
    before, limit = page_args()
    with db.unit_of_work() as s:
        page = settings.history(s, before, limit)
    return jsonify(page)
