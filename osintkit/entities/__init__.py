"""Entity tagging: the shipped model (PERSON/ORG/LOC) merged with rule (DATE/QUANTITY/NORP/VESSEL, and
EVENT/LAW/AWARD) and gazetteer mentions.

    from osintkit.entities import tag
    mentions = tag(document)          # list[Mention], offsets index document.text

Importing this package is cheap; torch loads on the first call that needs the model. The shipped model runs in
plain torch (:mod:`osintkit.entities.bert`); transformers is imported only to train or to load another Hugging
Face model.
"""

from __future__ import annotations

from osintkit.entities.encoder import base_model_dir, embed, load_base_encoder
from osintkit.entities.model import (
    DEFAULT_LABEL_MAP,
    EntityModel,
    default_model,
    load_entity_model,
    merge_mentions,
    tag,
    tag_many,
)

__all__ = [
    "DEFAULT_LABEL_MAP",
    "EntityModel",
    "base_model_dir",
    "default_model",
    "embed",
    "load_base_encoder",
    "load_entity_model",
    "merge_mentions",
    "tag",
    "tag_many",
]
