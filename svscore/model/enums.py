"""The closed lists of values a tender uses (authority types, contract kinds, criterion kinds...).

Kept apart from the pydantic models so that the command line can offer them as choices without
loading the models (which the commands that need them load when they run).
"""

from __future__ import annotations

from enum import StrEnum


class AuthorityType(StrEnum):
    CENTRAL_GOVERNMENT = "central_government"
    SUB_CENTRAL = "sub_central"
    UTILITY = "utility"
    DEFENCE_AND_SECURITY = "defence_and_security"


class Jurisdiction(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"


class ContractKind(StrEnum):
    SERVICES = "services"
    GOODS = "goods"
    WORKS = "works"
    MIXED = "mixed"
    LIGHT_TOUCH = "light_touch"
    CONCESSION = "concession"


class Commenced(StrEnum):
    """How the procurement began on its start date (what 'commenced' means for the transition)."""

    NOTICE = "notice"
    SUPPLIER_CONTACTED = "supplier_contacted"
    NOT_YET = "not_yet"


class MainSubject(StrEnum):
    GOODS = "goods"
    SERVICES = "services"
    WORKS = "works"


class CriterionKind(StrEnum):
    PRICE = "price"
    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"
    PASS_FAIL = "pass_fail"


class WeightingMode(StrEnum):
    PERCENT = "percent"
    MARKS = "marks"


class PriceMethod(StrEnum):
    RELATIVE_TO_LOWEST = "relative_to_lowest"
    DEVIATION_FROM_LOWEST = "deviation_from_lowest"
    PRO_RATA_TO_QUALIFICATION_PRICE = "pro_rata_to_qualification_price"
    LINEAR_LOWEST_TO_HIGHEST = "linear_lowest_to_highest"
    PRICE_PER_QUALITY_POINT = "price_per_quality_point"


class Aggregation(StrEnum):
    CONSENSUS = "consensus"
    MEAN = "mean"
    MEDIAN = "median"


class SocialValueMethod(StrEnum):
    RELATIVE_TO_HIGHEST = "relative_to_highest"
    TARGET_RATIO = "target_ratio"


class ScoredBy(StrEnum):
    SCALE = "scale"
    MEASURES = "measures"
